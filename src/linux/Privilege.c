/*
 * linux/Privilege.c: effective capabilities from capget(2), no libcap needed.
 */
#include "config.h"
#include "core/Privilege.h"

#include <limits.h>
#include <unistd.h>

#include <sys/syscall.h>
#include <linux/capability.h>

#include "core/XUtils.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

static bool Privilege_has(const struct __user_cap_data_struct* d, int cap) {
   return (d[cap / 32].effective >> (cap % 32)) & 1;
}

bool Privilege_canLoad(void) {
   if (geteuid() == 0)
      return true;
   struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
   struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3] = {{0}};
   if (syscall(SYS_capget, &h, d) < 0)
      return false;
   bool admin = Privilege_has(d, CAP_SYS_ADMIN);
   return (admin || (Privilege_has(d, CAP_BPF) && Privilege_has(d, CAP_PERFMON))) &&
          Privilege_has(d, CAP_NET_ADMIN);
}

bool Privilege_canCapture(void) {
   if (geteuid() == 0)
      return true;
   struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
   struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3] = {{0}};
   return syscall(SYS_capget, &h, d) == 0 && Privilege_has(d, CAP_NET_RAW);
}


char* Privilege_loadMessage(void) {
   char exe[PATH_MAX];
   ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
   exe[n > 0 ? n : 0] = '\0';
   return xAsprintf("needs root to load its eBPF probes: run it with sudo, or grant the capabilities "
                    "once with: sudo setcap cap_bpf,cap_perfmon,cap_net_admin+ep %s",
                    n > 0 ? exe : "$(command -v tcptop)");
}
