/*
 * PcapBackend.h: the pcap backend behind Platform.h: a Capture (file or
 * interface) whose flow tracker is written into the table each sample,
 * with process attribution for live captures (src/<platform>/Attribution.c).
 */
#ifndef TCPTOP_PCAPBACKEND_H
#define TCPTOP_PCAPBACKEND_H

#include "ConnTable.h"
#include "pcap/Capture.h"

/* Looks up owners of new live flows, then writes every flow into the table. */
void PcapBackend_sample(Capture* capture, ConnTable* table, double monoNow, double wallNow);

/* libpcap's version line. */
const char* PcapBackend_version(void);

#endif
