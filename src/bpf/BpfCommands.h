/*
 * BpfCommands.h: what main() asks of the eBPF backend: a backend ready to
 * monitor, and what only it does (--list-probes, --dump-config,
 * --check-probe). Built only with the eBPF backend.
 */
#ifndef TCPTOP_BPFCOMMANDS_H
#define TCPTOP_BPFCOMMANDS_H

#include "config/Settings.h"
#include "core/Backend.h"

/* --list-probes, --dump-config or --check-probe; the exit status. */
int BpfCommands_run(const Settings* settings);

/*
 * With the privilege to load (Privilege_canLoad): the probes found,
 * compiled, loaded and attached, their maps open (and the
 * kernel's statistics on with --probe-stats): the backend to monitor with.
 * NULL with *rc, the exit status, after one error line; or NULL with *why
 * (malloc'd, *rc 1) when eBPF cannot monitor on this machine, so that the
 * caller may capture packets instead (--backend auto) or say why.
 */
Backend* BpfCommands_open(const Settings* settings, int* rc, char** why);

#endif
