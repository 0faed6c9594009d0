/*
 * PcapBackend.h: the pcap backend (core/Backend.h): a Capture (a file
 * replayed, or an interface) whose flow tracker is written into the table
 * each sample, with process attribution for live captures
 * (src/<platform>/Attribution.c).
 */
#ifndef TCPTOP_PCAPBACKEND_H
#define TCPTOP_PCAPBACKEND_H

#include "config/Settings.h"
#include "core/Backend.h"
#include "core/ConnTable.h"
#include "pcap/Capture.h"

/*
 * Replays settings->readFile (paced by --replay-speed; as fast as possible
 * with -b), or captures live on settings->iface (every interface when NULL).
 * NULL with *err (one line) when the file or interface cannot be opened.
 */
Backend* PcapBackend_open(const Settings* settings, char** err);

/* Looks up owners of new live flows, then writes every flow into the table. */
void PcapBackend_sample(Capture* capture, ConnTable* table, double monoNow, double wallNow);

/* libpcap's version line. */
const char* PcapBackend_version(void);

#endif
