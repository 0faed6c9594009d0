/*
 * NetSpec.h: the network values of the [export] settings, parsed once for
 * the option table's checks (FILE:LINE at once) and for their users: the
 * address --listen binds ("[ADDR:]PORT") and the CIDR buckets of the
 * remote label ("10.0.0.0/8, fd00::/8").
 */
#ifndef TCPTOP_NETSPEC_H
#define TCPTOP_NETSPEC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

typedef struct NetListen_ {
   struct sockaddr_storage addr;
   socklen_t len;
} NetListen;

typedef struct NetCidr_ {
   int family;             /* AF_INET or AF_INET6 */
   uint8_t net[16];        /* masked to prefix bits */
   int prefix;
   char text[48];          /* as given, normalized: "10.0.0.0/8" */
} NetCidr;

typedef struct NetCidrs_ {
   NetCidr* items;
   int count;
} NetCidrs;

/* "9100", "127.0.0.1:9100", "[::1]:9100", "0.0.0.0:9100"; the address
 * defaults to 127.0.0.1. 0, or -1 with *why. */
int NetSpec_parseListen(const char* text, NetListen* out, char** why);

/* A comma-separated list of CIDRs (empty: none). 0, or -1 with *why; the
 * list is to be freed with NetCidrs_done in both cases. */
int NetSpec_parseCidrs(const char* text, NetCidrs* out, char** why);
void NetCidrs_done(NetCidrs* this);

/* The first bucket holding the address (16 bytes; IPv4 in the first 4), or NULL. */
const NetCidr* NetCidrs_match(const NetCidrs* this, int family, const uint8_t* addr);

#endif
