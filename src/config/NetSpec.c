/*
 * NetSpec.c: [ADDR:]PORT and CIDR lists.
 */
#include "config.h"
#include "config/NetSpec.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/XUtils.h"

/* A port 1-65535; -1 when not one. */
static int NetSpec_port(const char* s) {
   char* end = NULL;
   errno = 0;
   long v = strtol(s, &end, 10);
   if (errno || end == s || *end || v < 1 || v > 65535 || s[0] == '+' || s[0] == '-' || s[0] == ' ')
      return -1;
   return (int)v;
}

/* Splits "[::1]:9100", "1.2.3.4:9100" or "9100" into host (malloc'd, NULL:
 * none) and port text; -1 when the brackets do not close. */
static int NetSpec_split(const char* text, char** host, const char** port) {
   *host = NULL;
   *port = text;
   if (text[0] == '[') {
      const char* close = strchr(text, ']');
      if (!close || close[1] != ':')
         return -1;
      *host = xStrndup(text + 1, (size_t)(close - text - 1));
      *port = close + 2;
      return 0;
   }
   const char* colon = strrchr(text, ':');
   if (colon) {
      *host = xStrndup(text, (size_t)(colon - text));
      *port = colon + 1;
   }
   return 0;
}

int NetSpec_parseListen(const char* text, NetListen* out, char** why) {
   memset(out, 0, sizeof(*out));
   char* host = NULL;
   const char* portText = NULL;
   if (NetSpec_split(text, &host, &portText) < 0) {
      *why = xStrdup("an IPv6 address goes in brackets, then the port: [::1]:9100");
      return -1;
   }
   int port = NetSpec_port(portText);
   struct sockaddr_in* v4 = (struct sockaddr_in*)&out->addr;
   struct sockaddr_in6* v6 = (struct sockaddr_in6*)&out->addr;
   int rc = 0;
   if (port < 0) {
      *why = xStrdup("expected [ADDR:]PORT with a port from 1 to 65535 (9100, 127.0.0.1:9100, [::1]:9100)");
      rc = -1;
   } else if (inet_pton(AF_INET, host ? host : "127.0.0.1", &v4->sin_addr) == 1) {
      v4->sin_family = AF_INET;
      v4->sin_port = htons((uint16_t)port);
      out->len = sizeof(*v4);
   } else if (host && text[0] == '[' && inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
      v6->sin6_family = AF_INET6;
      v6->sin6_port = htons((uint16_t)port);
      out->len = sizeof(*v6);
   } else {
      *why = xAsprintf("'%s' is not a numeric IPv4 address or a bracketed IPv6 address ([::1]:9100)", host);
      rc = -1;
   }
   free(host);
   return rc;
}

/* One "ADDR/BITS" (or a bare address: all its bits) into c; 0 or -1. */
static int NetSpec_cidr(const char* item, NetCidr* c, char** why) {
   memset(c, 0, sizeof(*c));
   const char* slash = strchr(item, '/');
   char* addr = slash ? xStrndup(item, (size_t)(slash - item)) : xStrdup(item);
   c->family = strchr(addr, ':') ? AF_INET6 : AF_INET;
   int maxBits = c->family == AF_INET6 ? 128 : 32;
   int ok = inet_pton(c->family, addr, c->net) == 1;
   free(addr);
   char* end = NULL;
   c->prefix = slash ? (int)strtol(slash + 1, &end, 10) : maxBits;
   if (!ok || (slash && (end == slash + 1 || *end || c->prefix < 0 || c->prefix > maxBits))) {
      *why = xAsprintf("'%s' is not a CIDR like 10.0.0.0/8 or fd00::/8", item);
      return -1;
   }
   for (int bit = c->prefix; bit < maxBits; bit++)
      c->net[bit / 8] &= (uint8_t)~(0x80u >> (bit % 8));
   char shown[INET6_ADDRSTRLEN];
   inet_ntop(c->family, c->net, shown, sizeof(shown));
   snprintf(c->text, sizeof(c->text), "%s/%d", shown, c->prefix);
   return 0;
}

int NetSpec_parseCidrs(const char* text, NetCidrs* out, char** why) {
   out->items = NULL;
   out->count = 0;
   char* copy = xStrdup(text ? text : "");
   char* save = NULL;
   int rc = 0;
   for (char* item = strtok_r(copy, ", \t", &save); item && rc == 0; item = strtok_r(NULL, ", \t", &save)) {
      out->items = xRealloc(out->items, sizeof(NetCidr) * (size_t)(out->count + 1));
      rc = NetSpec_cidr(item, &out->items[out->count], why);
      out->count += rc == 0;
   }
   free(copy);
   return rc;
}

void NetCidrs_done(NetCidrs* this) {
   free(this->items);
   this->items = NULL;
   this->count = 0;
}

static bool NetCidr_contains(const NetCidr* c, const uint8_t* addr) {
   int whole = c->prefix / 8, rest = c->prefix % 8;
   if (memcmp(c->net, addr, (size_t)whole) != 0)
      return false;
   return rest == 0 || ((addr[whole] ^ c->net[whole]) & (uint8_t)(0xff00u >> rest)) == 0;
}

const NetCidr* NetCidrs_match(const NetCidrs* this, int family, const uint8_t* addr) {
   for (int i = 0; i < this->count; i++) {
      const NetCidr* c = &this->items[i];
      if (c->family == family && NetCidr_contains(c, addr))
         return c;
   }
   return NULL;
}
