/*
 * Sandbox.h: least privilege once start-up is done (docs/SECURITY.md),
 * implemented per OS: src/linux/Sandbox.c (user, capabilities, no new
 * privileges, a seccomp filter), src/darwin/Sandbox.c (the user only).
 *
 * Called once the probes are attached, the maps, ring buffer, capture
 * handle, sockets and log are open and the table is seeded, before the
 * first sample: from then on tcptop parses packets, capture files, DNS
 * answers and kernel records as an ordinary user.
 */
#ifndef TCPTOP_SANDBOX_H
#define TCPTOP_SANDBOX_H

#include "core/Backend.h"

/*
 * Becomes `user` (--user), else the user who ran sudo (SUDO_UID,
 * SUDO_GID), else nobody, with no supplementary group; keeps only the
 * capabilities the backend's needs still ask for on this kernel (each
 * tried for real without it first: Backend_worksUnprivileged); then, on
 * Linux, no new privileges and a seccomp filter whose violation prints
 * "tcptop: seccomp: system call NAME is not allowed" and kills tcptop. A
 * tcptop started without root keeps its user. 0, or -1 with *err.
 */
int Sandbox_enter(const char* user, Backend* backend, char** err);

#endif
