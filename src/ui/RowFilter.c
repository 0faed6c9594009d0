/*
 * RowFilter.c: see RowFilter.h. The fields are apart (the text between
 * them is a tab, which the prompt cannot type), so a match lies in one of
 * them; only an address and its port share one ("127.0.0.1:5001"), so a
 * text with ':' makes that field's text.
 */
#include "config.h"
#include "ui/RowFilter.h"

#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "core/Format.h"
#include "core/Names.h"

/* strcasestr's answer without its set-up per call (most of a row's cost
 * with a 16-byte comm): the first character looked for, then the rest. */
static bool RowFilter_in(const RowFilter* this, const char* s) {
   const char* p = this->lower;
   for (; *s; s++) {
      if ((char)tolower((unsigned char)*s) != p[0])
         continue;
      size_t j = 1;
      while (p[j] && (char)tolower((unsigned char)s[j]) == p[j])
         j++;
      if (!p[j])
         return true;
   }
   return false;
}

static void RowFilter_classify(RowFilter* this) {
   this->digits = this->ipv4Chars = this->ipv6Chars = true;
   this->colon = false;
   for (const char* p = this->lower; *p; p++) {
      bool digit = *p >= '0' && *p <= '9';
      this->digits = this->digits && digit;
      this->ipv4Chars = this->ipv4Chars && (digit || *p == '.');
      this->ipv6Chars = this->ipv6Chars && (isxdigit((unsigned char)*p) || *p == ':' || *p == '.');
      this->colon = this->colon || *p == ':';
   }
}

/* The tables of the values a row's field can take. */
static void RowFilter_tables(RowFilter* this) {
   char s[16];
   for (int i = 0; i < 256; i++) {
      this->state[i] = RowFilter_in(this, Conn_stateName(i));
      snprintf(s, sizeof(s), "%d", i);
      this->octet[i] = this->digits && RowFilter_in(this, s);
   }
   this->tcp = RowFilter_in(this, "tcp");
   this->udp = RowFilter_in(this, "udp");
   memset(this->ports, 0, sizeof(this->ports));
   const char* right = this->ipv4Port ? strchr(this->text, ':') + 1 : this->text;
   if ((!this->digits && !this->ipv4Port) || strlen(right) > 5)
      return;
   for (unsigned p = 0; p < 65536; p++) {
      s[Format_u64(s, p)] = '\0';
      if (this->ipv4Port ? strncmp(s, right, strlen(right)) == 0 : strstr(s, right) != NULL)
         this->ports[p / 64] |= 1ull << (p % 64);
   }
}

/* "A.B:P" (an IPv4 address's end, ':', a port's start): ports are a
 * table of their starts, the address's text is made only for those. */
static void RowFilter_classifyPort(RowFilter* this) {
   const char* colon = strchr(this->lower, ':');
   this->ipv4Port = colon && !strchr(colon + 1, ':') && strspn(colon + 1, "0123456789") == strlen(colon + 1) &&
                    strspn(this->lower, "0123456789.") == (size_t)(colon - this->lower);
   this->leftLen = colon ? (size_t)(colon - this->lower) : 0;
}

void RowFilter_begin(RowFilter* this, const char* text) {
   memset(this->cgroups, 0, sizeof(this->cgroups));
   memset(this->netns, 0, sizeof(this->netns));
   if (strcmp(this->text, text) == 0)
      return;   /* the same text: its tables stand */
   snprintf(this->text, sizeof(this->text), "%s", text);
   size_t i = 0;
   for (; this->text[i]; i++)
      this->lower[i] = (char)tolower((unsigned char)this->text[i]);
   this->lower[i] = '\0';
   RowFilter_classify(this);
   RowFilter_classifyPort(this);
   RowFilter_tables(this);
}

/* The longest run of two or more zero words, the first of equals: the
 * one "::" stands for; *len 0 when none. */
static int RowFilter_zeroRun(const uint16_t w[8], int* len) {
   int best = -1, bestLen = 0;
   for (int i = 0; i < 8;) {
      int j = i;
      while (j < 8 && w[j] == 0)
         j++;
      if (j - i > bestLen) {
         best = i;
         bestLen = j - i;
      }
      i = j > i ? j : i + 1;
   }
   *len = bestLen >= 2 ? bestLen : 0;
   return bestLen >= 2 ? best : -1;
}

/* An IPv6 address exactly as glibc's inet_ntop writes it (RFC 5952's
 * lowercase hex, "::" for the longest zero run, IPv4-mapped and
 * -compatible forms dotted), without its sprintf per word. */
static int RowFilter_ipv6(char* out, const uint8_t* a) {
   static const char hex[] = "0123456789abcdef";
   uint16_t w[8];
   for (int i = 0; i < 8; i++)
      w[i] = (uint16_t)(a[2 * i] << 8 | a[2 * i + 1]);
   int len, base = RowFilter_zeroRun(w, &len), n = 0;
   for (int i = 0; i < 8; i++) {
      if (base >= 0 && i >= base && i < base + len) {
         if (i == base)
            out[n++] = ':';
         continue;
      }
      if (i)
         out[n++] = ':';
      if (i == 6 && base == 0 && (len == 6 || (len == 5 && w[5] == 0xffff)))
         return n + Format_ipv4(out + n, a + 12);
      bool lead = true;
      for (int shift = 12; shift >= 0; shift -= 4) {
         unsigned d = (w[i] >> shift) & 0xf;
         if (d || !lead || shift == 0) {
            out[n++] = hex[d];
            lead = false;
         }
      }
   }
   if (base >= 0 && base + len == 8)
      out[n++] = ':';
   return n;
}

/* An address's text (IPv4 or IPv6), NUL-terminated; its length. */
static int RowFilter_addrText(char* out, int family, const uint8_t* a) {
   int n = family == AF_INET6 ? RowFilter_ipv6(out, a) : Format_ipv4(out, a);
   out[n] = '\0';
   return n;
}

/* "addr:port" made, for a text with ':'. */
static bool RowFilter_endpointText(const RowFilter* this, int family, const uint8_t* a, uint16_t port) {
   char s[INET6_ADDRSTRLEN + 8];
   int n = RowFilter_addrText(s, family, a);
   s[n++] = ':';
   s[n + Format_u64(s + n, port)] = '\0';
   return RowFilter_in(this, s);
}

/* An address and its port, without their text where the pattern allows. */
static bool RowFilter_endpoint(const RowFilter* this, int family, const uint8_t* a, uint16_t port) {
   bool portBit = this->ports[port / 64] >> (port % 64) & 1;
   if (this->ipv4Port && family != AF_INET6) {   /* the address's text ends with the part before ':' */
      if (!portBit)
         return false;
      char t[INET_ADDRSTRLEN];
      size_t n = (size_t)Format_ipv4(t, a);
      return n >= this->leftLen && memcmp(t + n - this->leftLen, this->lower, this->leftLen) == 0;
   }
   if (this->colon)
      return RowFilter_endpointText(this, family, a, port);
   if (this->digits && portBit)
      return true;
   char s[INET6_ADDRSTRLEN];
   if (family != AF_INET6) {
      if (this->digits)
         return this->octet[a[0]] || this->octet[a[1]] || this->octet[a[2]] || this->octet[a[3]];
      if (!this->ipv4Chars)
         return false;
   } else if (!this->ipv6Chars) {
      return false;
   }
   RowFilter_addrText(s, family, a);
   return RowFilter_in(this, s);
}

/* An answer for id kept for this pass, or -1. */
static int RowFilter_cached(const RowFilterCache* cache, uint64_t id) {
   const RowFilterCache* e = &cache[id % ROWFILTER_CACHE];
   return e->id == id ? e->match : -1;
}

static bool RowFilter_keep(RowFilterCache* cache, uint64_t id, bool match) {
   cache[id % ROWFILTER_CACHE] = (RowFilterCache){ .id = id, .match = match };
   return match;
}

static bool RowFilter_cgroup(RowFilter* this, uint64_t id) {
   int known = RowFilter_cached(this->cgroups, id);
   if (known >= 0)
      return known;
   const char* path = Names_cgroupPath(id);
   return RowFilter_keep(this->cgroups, id, path && RowFilter_in(this, path));
}

/* "inode:name", or "inode:" without a name. */
static bool RowFilter_netns(RowFilter* this, uint32_t inode) {
   int known = RowFilter_cached(this->netns, inode);
   if (known >= 0)
      return known;
   const char* name = Names_netns(inode);
   char s[4200];
   snprintf(s, sizeof(s), "%u:%s", inode, name ? name : "");
   return RowFilter_keep(this->netns, inode, RowFilter_in(this, s));
}

bool RowFilter_matches(RowFilter* this, const Conn* c) {
   int family = c->family == AF_INET6 ? AF_INET6 : AF_INET;
   if (c->hasOwner && RowFilter_in(this, c->comm))
      return true;
   if (RowFilter_endpoint(this, family, Conn_laddr(c), c->lport) ||
       RowFilter_endpoint(this, family, Conn_raddr(c), c->rport))
      return true;
   if (!c->isGroup && this->state[c->state])
      return true;
   if (c->proto == IPPROTO_UDP ? this->udp : this->tcp)
      return true;
   return (c->cgroupId && RowFilter_cgroup(this, c->cgroupId)) || (c->netns && RowFilter_netns(this, c->netns));
}
