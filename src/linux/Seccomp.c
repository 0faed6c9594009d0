/*
 * linux/Seccomp.c: the allow-list (docs/SECURITY.md lists it with the
 * reason of each group), a trap for everything else, and its handler.
 */
#include "config.h"
#include "linux/Seccomp.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <seccomp.h>

#include "core/XUtils.h"

/* Allowed with any arguments, grouped by who needs them; names this
 * architecture lacks are skipped. */
static const char* const Seccomp_allowed[] = {
   /* descriptors: the log, stdout, the screen, /proc, NSS files, F2's save */
   "read", "write", "readv", "writev", "pread64", "pwrite64", "lseek", "_llseek", "close",
   "open", "openat", "stat", "lstat", "fstat", "newfstatat", "stat64", "lstat64", "fstat64", "fstatat64",
   "statx", "access", "faccessat", "faccessat2", "readlink", "readlinkat", "getdents", "getdents64",
   "getcwd", "fcntl", "fcntl64", "dup", "dup2", "dup3",
   "mkdir", "mkdirat", "rename", "renameat", "renameat2", "unlink", "unlinkat", "fchmod", "fsync",
   "fdatasync",
   "fchown",         /* SafeFile (on main) gives a file it made to the invoking user: after the drop, at
                      * most a group of its own (a setgid directory's) */
   "memfd_create",   /* CRT: stderr kept off the screen */
   /* memory, threads (the resolver), time, signals (SIGWINCH, SIGINT, ...) */
   "brk", "mmap", "mmap2", "munmap", "mremap", "mprotect", "madvise",
   "futex", "futex_time64", "set_robust_list", "rseq", "sched_yield", "sched_getaffinity", "exit",
   "exit_group", "clock_gettime", "clock_gettime64", "clock_getres", "clock_nanosleep",
   "clock_nanosleep_time64", "nanosleep", "gettimeofday", "time", "rt_sigaction", "rt_sigprocmask",
   "rt_sigreturn", "sigreturn", "sigaltstack", "restart_syscall",
   "poll", "ppoll", "select", "_newselect", "pselect6", "epoll_wait", "epoll_pwait", "epoll_pwait2",
   /* identity and system facts (glibc: qsort's sysinfo, mkostemp's getrandom) */
   "getpid", "gettid", "getuid", "geteuid", "getgid", "getegid", "getresuid", "getresgid", "uname",
   "sysinfo", "getrandom", "getrlimit", "ugetrlimit",
   /* sockets: reverse DNS, NSS daemons, sock_diag (the pcap backend's owners) */
   "connect", "bind", "sendto", "sendmsg", "sendmmsg", "recvfrom", "recvmsg", "getsockopt",
   "setsockopt", "getsockname", "getpeername", "shutdown",
};

/* ioctl: the terminal (curses, tcsetattr, isatty) and FIONREAD (the DNS
 * resolver); not TIOCSTI, which would type into the user's shell. */
static const unsigned long Seccomp_ioctls[] = { TCGETS, TCSETS, TCSETSW, TCSETSF, TCFLSH, TIOCGWINSZ, FIONREAD };
static const int Seccomp_domains[] = { AF_UNIX, AF_INET, AF_INET6, AF_NETLINK };
/* The eBPF backend's reads, updates and deletes on its maps, and the
 * probes' run-time statistics; never a load, an attach or a new map. */
static const int Seccomp_bpfCommands[] = {
   BPF_MAP_LOOKUP_ELEM, BPF_MAP_UPDATE_ELEM, BPF_MAP_DELETE_ELEM, BPF_MAP_GET_NEXT_KEY,
   BPF_MAP_LOOKUP_BATCH, BPF_MAP_DELETE_BATCH, BPF_OBJ_GET_INFO_BY_FD,
};

#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1   /* si_code of a seccomp trap (asm-generic/siginfo.h); glibc's headers lack it */
#endif

#define SECCOMP_NAMES 1024
static const char* Seccomp_names[SECCOMP_NAMES];   /* for the handler, resolved in advance */

static void Seccomp_write(const char* s) {
   ssize_t w = write(STDERR_FILENO, s, strlen(s));
   (void)w;
}

/* "number N" for a call without a name; async-signal-safe. */
static void Seccomp_number(char* out, unsigned n) {
   char digits[12];
   int k = 0;
   do
      digits[k++] = (char)('0' + n % 10);
   while ((n /= 10) && k < 11);
   memcpy(out, "number ", 7);
   out += 7;
   while (k)
      *out++ = digits[--k];
   *out = '\0';
}

/* Async-signal-safe: the terminal back, the name, then death by SIGSYS
 * (SA_RESETHAND made it the default action). */
static void Seccomp_onSigsys(int sig, siginfo_t* info, void* ctx) {
   (void)ctx;
   XUtils_crashRestore();
   if (info->si_code == SYS_SECCOMP) {
      int nr = info->si_syscall;
      char num[24];
      Seccomp_number(num, (unsigned)nr);
      Seccomp_write("tcptop: seccomp: system call ");
      Seccomp_write(nr >= 0 && nr < SECCOMP_NAMES && Seccomp_names[nr] ? Seccomp_names[nr] : num);
      Seccomp_write(" is not allowed (a bug: please report it)\n");
   }
   raise(sig);
}

/* Only for tests (tests/root/sandbox.sh): a forbidden call, N seconds
 * after the filter is in, from whatever tcptop is doing then. */
static void Seccomp_onTestAlarm(int sig) {
   (void)sig;
   syscall(SYS_personality, 0xffffffffUL);   /* only asks: harmless if it were allowed */
}

static void Seccomp_handlers(void) {
   for (int nr = 0; nr < SECCOMP_NAMES; nr++) {
      if (!Seccomp_names[nr])
         Seccomp_names[nr] = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
   }
   struct sigaction sa = { .sa_sigaction = Seccomp_onSigsys, .sa_flags = SA_SIGINFO | SA_RESETHAND | SA_NODEFER };
   sigemptyset(&sa.sa_mask);
   sigaction(SIGSYS, &sa, NULL);
   const char* test = getenv("TCPTOP_TEST_FORBIDDEN_SYSCALL");
   if (test && atoi(test) > 0) {
      signal(SIGALRM, Seccomp_onTestAlarm);
      alarm((unsigned)atoi(test));
   }
}

/* Each allowed name; then the calls allowed with some arguments only. */
static int Seccomp_rules(scmp_filter_ctx ctx, bool bpfMaps) {
   int rc = 0;
   for (size_t i = 0; i < ARRAY_SIZE(Seccomp_allowed); i++) {
      int nr = seccomp_syscall_resolve_name(Seccomp_allowed[i]);
      if (nr != __NR_SCMP_ERROR)
         rc = rc ? rc : seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
   }
   for (size_t i = 0; i < ARRAY_SIZE(Seccomp_ioctls); i++)
      rc = rc ? rc : seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
                                      SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, Seccomp_ioctls[i]));
   for (size_t i = 0; i < ARRAY_SIZE(Seccomp_domains); i++)
      rc = rc ? rc : seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1, SCMP_A0(SCMP_CMP_EQ, Seccomp_domains[i]));
   for (size_t i = 0; bpfMaps && i < ARRAY_SIZE(Seccomp_bpfCommands); i++)
      rc = rc ? rc : seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(bpf), 1, SCMP_A0(SCMP_CMP_EQ, Seccomp_bpfCommands[i]));
   if (bpfMaps)   /* at the end, libbpf's bpf_link__destroy disables a kprobe's or tracepoint's perf event */
      rc = rc ? rc : seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
                                      SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, PERF_EVENT_IOC_DISABLE));
   scmp_datum_t self = (scmp_datum_t)getpid();
   rc = rc ? rc : seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(kill), 1, SCMP_A0(SCMP_CMP_EQ, self));   /* curses' SIGTSTP */
   rc = rc ? rc : seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1, SCMP_A0(SCMP_CMP_EQ, self));  /* raise() */
   rc = rc ? rc : seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prlimit64), 2, SCMP_A0(SCMP_CMP_EQ, 0),
                                   SCMP_A2(SCMP_CMP_EQ, 0));   /* reading its own limits */
   /* threads, never a new process: glibc falls back from clone3 (whose
    * flags a filter cannot read) to clone on ENOSYS */
   rc = rc ? rc : seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
                                   SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD));
   rc = rc ? rc : seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
   return rc;
}

int Seccomp_install(bool bpfMaps, char** err) {
   scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_TRAP);
   if (!ctx) {
      *err = xStrdup("cannot set up the seccomp filter: out of memory");
      return -1;
   }
   Seccomp_handlers();
   int rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_TRAP);
   rc = rc ? rc : seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
   rc = rc ? rc : Seccomp_rules(ctx, bpfMaps);
   rc = rc ? rc : seccomp_load(ctx);
   seccomp_release(ctx);
   if (rc < 0) {
      *err = xAsprintf("cannot install the seccomp filter: %s", strerror(-rc));
      return -1;
   }
   return 0;
}
