/*
 * ProbeHealth.h: one line per probe: its status, the hooks it attached to,
 * and with the kernel's BPF statistics on (--probe-stats) how often its
 * programs ran and what each run cost, over the last measurement. For the
 * -b text header, --list-probes --probe-stats and the screen's header.
 */
#ifndef TCPTOP_PROBEHEALTH_H
#define TCPTOP_PROBEHEALTH_H

#include <stdbool.h>
#include <stdint.h>

#include "bpf/Loader.h"
#include "bpf/Probe.h"

typedef struct ProbeHealth_ {
   uint64_t* count;     /* per probe of the set: runs and ns at the last call */
   uint64_t* ns;
   int n;
   double when;         /* monotonic seconds of the last call; 0: none yet */
} ProbeHealth;

void ProbeHealth_init(ProbeHealth* this);
void ProbeHealth_done(ProbeHealth* this);

/*
 * "probe sock_io: ok, tracepoint/sock/sock_send_length, 1523 events/s,
 * 61 ns/event\n" for each probe of the set (not the disabled ones): rates
 * since the previous call (the first call measures from the load). Empty
 * rates ("-") when the statistics are off (statsOn false). The loader is
 * the one that loaded the set (NULL: not loaded). Returns malloc'd text.
 */
char* ProbeHealth_lines(ProbeHealth* this, const ProbeSet* set, const Loader* loader, bool statsOn, double monoNow);

#endif
