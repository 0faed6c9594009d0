/*
 * Capture.h: the packet source of the pcap backend: a capture file replayed
 * on its own clock (paced by the packet timestamps, or as fast as possible),
 * or a live interface, feeding the flow tracker.
 */
#ifndef TCPTOP_CAPTURE_H
#define TCPTOP_CAPTURE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "pcap/FlowTracker.h"

struct pcap;

typedef struct LocalAddrs_ {
   uint8_t (*addrs)[17];      /* family byte, then 16 address bytes */
   size_t count;
} LocalAddrs;

typedef struct Capture_ {
   struct pcap* pcap;
   int linkType;
   bool offline;
   char* source;              /* the file or interface, for messages */
   FlowTracker flows;
   LocalAddrs local;
   uint64_t packets, malformed, other;
   /* replay */
   double speed;              /* capture seconds per second; 0: as fast as possible */
   bool ended;
   bool havePending;          /* the next packet, read ahead */
   double pendingTs;
   uint32_t pendingCap, pendingLen;
   uint8_t* pendingData;
   uint32_t pendingSize;
   double clock;              /* capture time reached, seconds since the epoch */
   double firstTs;
   double realStart;          /* monotonic time the replay started */
   char* problem;             /* a capture file cut short: said once at the end */
} Capture;

/* Replay speed from --replay-speed: "max" (0) or a factor; -1 when invalid. */
double Capture_parseSpeed(const char* text);

/* A capture file opened, nothing of it read yet ("-": standard input): the
 * pcap backend opens it with the privileges tcptop starts with, and reads it
 * with Capture_openStream after giving them up. NULL with *err (one line). */
FILE* Capture_openFileStream(const char* path, char** err);
/* Opens a capture file (pcap or pcapng). NULL with *err (one line). */
Capture* Capture_openFile(const char* path, double speed, char** err);
/* The same from an open stream (closed with the capture, or at once when
 * it is no capture); `name` for messages. NULL with *err (one line). */
Capture* Capture_openStream(FILE* file, const char* name, double speed, char** err);
/* Opens an interface for live capture. NULL with *err (one line). */
Capture* Capture_openLive(const char* iface, char** err);
void Capture_free(Capture* this);

/*
 * Offline: processes the packets up to capture time clock + timeoutMs,
 * sleeping to keep pace unless the speed is max; the clock then stands at
 * that time (or at the last packet when the file ended). Live: waits up to
 * timeoutMs for packets and processes them. 0, or -1 with *err ("reading
 * packets from SOURCE failed: ...").
 */
int Capture_poll(Capture* this, int timeoutMs, char** err);

/* Live: a descriptor that polls readable when packets wait; -1 offline. */
int Capture_fd(const Capture* this);

/* Packets the kernel dropped before tcptop read them (live). */
uint64_t Capture_dropped(Capture* this);

#endif
