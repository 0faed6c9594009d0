/*
 * Seccomp.h: the system calls tcptop may make once it runs as a user
 * (libseccomp), and the SIGSYS handler that names a forbidden one.
 */
#ifndef TCPTOP_SECCOMP_H
#define TCPTOP_SECCOMP_H

#include <stdbool.h>

/*
 * Installs the filter for this thread and those it starts: what the
 * sampling loop, the screen, the resolver thread, the log, the F2 save and
 * both backends use; bpf() on maps only when `bpfMaps`. Anything else
 * traps: the handler gives the terminal back (XUtils_crashRestore), prints
 * "tcptop: seccomp: system call NAME is not allowed (a bug: please report
 * it)" and ends tcptop with SIGSYS. No new privileges must be set first.
 * 0, or -1 with *err.
 */
int Seccomp_install(bool bpfMaps, char** err);

#endif
