/*
 * linux/Sandbox.c: root given up after start-up: the user (setgroups,
 * setresgid, setresuid), capabilities (capset, the bounding and ambient
 * sets), no new privileges, then linux/Seccomp's filter.
 */
#include "config.h"
#include "core/Sandbox.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/prctl.h>
#include <sys/syscall.h>
#include <linux/capability.h>

#include "core/RunAs.h"
#include "core/XUtils.h"
#include "linux/Seccomp.h"

#ifndef CAP_BPF
#define CAP_BPF 39
#endif

#define SANDBOX_CAP(c) (UINT64_C(1) << (c))

/* The capabilities that grant a backend's needs on this kernel. */
static uint64_t Sandbox_capsOf(unsigned needs) {
   uint64_t caps = 0;
   if (needs & BACKEND_NEED_BPF_MAPS) {
      /* bpf_capable(): CAP_BPF, or CAP_SYS_ADMIN on a kernel before 5.8 that lacks it */
      bool haveBpfCap = prctl(PR_CAPBSET_READ, CAP_BPF, 0, 0, 0) >= 0;
      caps |= SANDBOX_CAP(haveBpfCap ? CAP_BPF : CAP_SYS_ADMIN);
   }
   if (needs & BACKEND_NEED_OTHERS_FDS) {
      /* measured: opening another user's /proc/PID/fd (mode 0500) needs
       * CAP_DAC_READ_SEARCH; reading its links (ptrace_may_access) CAP_SYS_PTRACE */
      caps |= SANDBOX_CAP(CAP_DAC_READ_SEARCH) | SANDBOX_CAP(CAP_SYS_PTRACE);
   }
   return caps;
}

static int Sandbox_capget(uint64_t* permitted) {
   struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
   struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
   memset(d, 0, sizeof(d));
   if (syscall(SYS_capget, &h, d) < 0)
      return -1;
   *permitted = d[0].permitted | (uint64_t)d[1].permitted << 32;
   return 0;
}

/* Sets this thread's permitted and effective sets; none inheritable. */
static int Sandbox_capset(uint64_t permitted, uint64_t effective) {
   struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
   struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
   memset(d, 0, sizeof(d));
   d[0].permitted = (uint32_t)permitted;
   d[1].permitted = (uint32_t)(permitted >> 32);
   d[0].effective = (uint32_t)effective;
   d[1].effective = (uint32_t)(effective >> 32);
   return (int)syscall(SYS_capset, &h, d);
}

/* Root only: no bounding capability left (an exec would gain none), then
 * the user, keeping the permitted set across setresuid. */
static int Sandbox_switchUser(uid_t uid, gid_t gid, char** err) {
   for (int cap = 0; cap < 64; cap++)
      prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);   /* EINVAL past the kernel's last: ignored */
   if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0 || setgroups(0, NULL) < 0 || setresgid(gid, gid, gid) < 0 ||
       setresuid(uid, uid, uid) < 0 || prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0) {
      *err = xAsprintf("cannot switch to user %u, group %u: %s", (unsigned)uid, (unsigned)gid, strerror(errno));
      return -1;
   }
   if (setresuid(0, 0, 0) == 0) {
      *err = xStrdup("root could be taken back after switching users: refusing to go on");
      return -1;
   }
   return 0;
}

/*
 * The capabilities of each need held in the permitted set only, none
 * effective; each need tried for real without them: what works needs
 * nothing, what is refused gets its capabilities back into effective.
 */
static int Sandbox_keepCaps(Backend* backend, char** err) {
   unsigned needs = Backend_needs(backend);
   uint64_t permitted = 0;
   if (Sandbox_capget(&permitted) < 0)
      permitted = 0;
   uint64_t keep = Sandbox_capsOf(needs) & permitted, effective = 0;
   if (Sandbox_capset(keep, 0) < 0) {
      *err = xAsprintf("cannot drop capabilities: %s", strerror(errno));
      return -1;
   }
   /* tests only (tests/root/sandbox.sh): as on a kernel that refuses every
    * need, for the path no kernel of the test matrix takes */
   bool refuseAll = getenv("TCPTOP_TEST_KEEP_CAPS") != NULL;
   for (unsigned need = 1; need && need <= needs; need <<= 1) {
      uint64_t caps = Sandbox_capsOf(need & needs) & keep;
      if (!caps)
         continue;
      if (!refuseAll && Backend_worksUnprivileged(backend, (BackendNeed)need))
         keep &= ~caps;
      else
         effective |= caps;
   }
   if (Sandbox_capset(keep, effective) < 0) {
      *err = xAsprintf("cannot drop capabilities: %s", strerror(errno));
      return -1;
   }
   return 0;
}

/* Capabilities and uids are per thread: there must be only this one. */
static int Sandbox_singleThreaded(char** err) {
   Buf status;
   Buf_init(&status);
   int e = XUtils_readFile("/proc/self/status", &status);
   const char* t = e ? NULL : strstr(Buf_cstr(&status), "\nThreads:\t");
   int threads = t ? atoi(t + 10) : 1;
   Buf_done(&status);
   if (threads > 1)
      *err = xAsprintf("cannot give up root with %d threads running (a bug: please report it)", threads);
   return threads > 1 ? -1 : 0;
}

int Sandbox_enter(const char* user, Backend* backend, char** err) {
   uid_t uid;
   gid_t gid;
   if (Sandbox_singleThreaded(err) < 0 || RunAs_target(user, &uid, &gid, err) < 0)
      return -1;
   prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
   if (geteuid() == 0) {
      if (Sandbox_switchUser(uid, gid, err) < 0)
         return -1;
   } else if (user && uid != geteuid()) {
      *err = xAsprintf("--user %s needs tcptop started as root", user);
      return -1;
   }
   if (Sandbox_keepCaps(backend, err) < 0)
      return -1;
   if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
      *err = xAsprintf("cannot set no_new_privs: %s", strerror(errno));
      return -1;
   }
   return Seccomp_install(Backend_needs(backend) & BACKEND_NEED_BPF_MAPS, err);
}
