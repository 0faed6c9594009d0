/*
 * darwin/Sandbox.c: macOS has neither capabilities nor seccomp: after
 * start-up (the PKTAP capture open) tcptop only stops being root.
 */
#include "config.h"
#include "core/Sandbox.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/XUtils.h"

/* The user to become: --user, else sudo's caller, else nobody. */
static int Sandbox_target(const char* user, uid_t* uid, gid_t* gid, char** err) {
   const char* sudoUid = getenv("SUDO_UID");
   const char* sudoGid = getenv("SUDO_GID");
   char* end = NULL;
   unsigned long n = sudoUid ? strtoul(sudoUid, &end, 10) : 0;
   if (!user && n > 0 && end && !*end && *sudoUid) {
      *uid = (uid_t)n;
      unsigned long g = sudoGid ? strtoul(sudoGid, &end, 10) : 0;
      *gid = sudoGid && *sudoGid && !*end && g > 0 ? (gid_t)g : (gid_t)n;
      return 0;
   }
   struct passwd* pw = getpwnam(user ? user : "nobody");
   if (!pw) {
      *err = xAsprintf("unknown user '%s'%s", user ? user : "nobody", user ? " for --user" : ": name one with --user");
      return -1;
   }
   if (pw->pw_uid == 0) {
      *err = xAsprintf("--user %s is root: name an unprivileged account, such as nobody", user);
      return -1;
   }
   *uid = pw->pw_uid;
   *gid = pw->pw_gid;
   return 0;
}

int Sandbox_enter(const char* user, Backend* backend, char** err) {
   (void)backend;   /* no need outlives the open capture: PKTAP names the processes */
   uid_t uid;
   gid_t gid;
   if (Sandbox_target(user, &uid, &gid, err) < 0)
      return -1;
   if (geteuid() != 0) {
      if (user && uid != geteuid()) {
         *err = xAsprintf("--user %s needs tcptop started as root", user);
         return -1;
      }
      return 0;
   }
   if (setgroups(0, NULL) < 0 || setgid(gid) < 0 || setuid(uid) < 0 || setuid(0) == 0) {
      *err = xAsprintf("cannot switch to user %u, group %u: %s", (unsigned)uid, (unsigned)gid, strerror(errno));
      return -1;
   }
   return 0;
}
