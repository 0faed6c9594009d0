/*
 * RunAs.c: choosing the unprivileged user, for every OS.
 */
#include "config.h"
#include "core/RunAs.h"

#include <pwd.h>
#include <stddef.h>

#include "core/SafeFile.h"
#include "core/XUtils.h"

#define RUNAS_NOBODY 65534   /* nobody, nogroup: when the system names no nobody */

int RunAs_target(const char* user, uid_t* uid, gid_t* gid, char** err) {
   SafeFileUser invoker = SafeFile_invoker();   /* SUDO_UID/SUDO_GID while root */
   if (!user && invoker.uid != 0) {
      *uid = invoker.uid;
      *gid = invoker.gid;
      return 0;
   }
   struct passwd* pw = getpwnam(user ? user : "nobody");
   if (!pw && user) {
      *err = xAsprintf("unknown user '%s' for --user: name an account of this system", user);
      return -1;
   }
   if (pw && pw->pw_uid == 0) {
      *err = xAsprintf("--user %s is root: name an unprivileged account, such as nobody", user);
      return -1;
   }
   *uid = pw ? pw->pw_uid : RUNAS_NOBODY;
   *gid = pw ? pw->pw_gid : RUNAS_NOBODY;
   return 0;
}
