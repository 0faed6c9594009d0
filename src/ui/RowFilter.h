/*
 * RowFilter.h: the screen's / text matched against a row without making
 * the row's text: the same answer as a case-insensitive search of "comm
 * <tab> laddr:lport <tab> raddr:rport <tab> state <tab> proto", then of the
 * cgroup path and "netns:name", but a port is a bit in a table made once
 * per text, an IPv4 address four lookups of its bytes, a state or a
 * protocol one; cgroup and netns answers are kept by id for one pass. The
 * text of a row is made only when the pattern needs it (a ':' that may
 * join an address to its port, a '.' inside an address, IPv6).
 */
#ifndef TCPTOP_ROWFILTER_H
#define TCPTOP_ROWFILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/Conn.h"

#define ROWFILTER_LEN 64
#define ROWFILTER_CACHE 64

typedef struct RowFilterCache_ {
   uint64_t id;              /* 0: empty */
   bool match;
} RowFilterCache;

typedef struct RowFilter_ {
   char text[ROWFILTER_LEN];      /* as typed */
   char lower[ROWFILTER_LEN];     /* lowercase */
   bool digits;                   /* only 0-9 */
   bool ipv4Chars;                /* only 0-9 and '.' */
   bool ipv6Chars;                /* only hex digits, ':' and '.' */
   bool colon;                    /* may span an address and its port */
   bool ipv4Port;                 /* "A.B:P": digits and dots, ':', digits */
   size_t leftLen;                /* with ipv4Port: the length before ':' */
   bool state[256];               /* by ConnState: its name matches */
   bool tcp, udp;
   bool octet[256];               /* a byte's decimal text matches (digits) */
   uint64_t ports[65536 / 64];    /* a port's decimal text matches (digits); with
                                   * ipv4Port, starts with the part after ':' */
   RowFilterCache cgroups[ROWFILTER_CACHE], netns[ROWFILTER_CACHE];
} RowFilter;

/* Prepares the tables for text (at most ROWFILTER_LEN - 1 characters),
 * unless it is the text already set; empties the caches of names (a pass:
 * names may be known since the last one). */
void RowFilter_begin(RowFilter* this, const char* text);
/* Does the text occur in the row's (case-insensitive)? */
bool RowFilter_matches(RowFilter* this, const Conn* c);

#endif
