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

#include "core/RunAs.h"
#include "core/XUtils.h"

int Sandbox_enter(const char* user, Backend* backend, char** err) {
   (void)backend;   /* no need outlives the open capture: PKTAP names the processes */
   uid_t uid;
   gid_t gid;
   if (RunAs_target(user, &uid, &gid, err) < 0)
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
