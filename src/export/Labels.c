/*
 * Labels.c: a connection's label set.
 */
#include "config.h"
#include "export/Labels.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/Names.h"

#define LABELS_EPHEMERAL_DEFAULT 32768   /* Linux's default ip_local_port_range start */

static int Labels_ephemeralLow(void) {
   Buf b;
   Buf_init(&b);
   int low = LABELS_EPHEMERAL_DEFAULT;
   if (XUtils_readFile("/proc/sys/net/ipv4/ip_local_port_range", &b) == 0 && b.len) {
      int v = atoi(Buf_cstr(&b));
      low = v > 0 && v < 65536 ? v : low;
   }
   Buf_done(&b);
   return low;
}

int Labels_init(Labels* this, const Settings* settings, char** err) {
   this->chosen = settings->exportLabels;
   this->ephemeralLow = Labels_ephemeralLow();
   char* why = NULL;
   if (NetSpec_parseCidrs(settings->remoteNetworks, &this->networks, &why) < 0) {
      *err = xAsprintf("invalid value '%s' for remote_networks in [export]: %s", settings->remoteNetworks, why);
      free(why);
      NetCidrs_done(&this->networks);
      return -1;
   }
   return 0;
}

void Labels_done(Labels* this) {
   NetCidrs_done(&this->networks);
}

void Labels_append(Buf* out, const char* name, const char* value) {
   Buf_printf(out, "%s%s=\"", out->len ? "," : "", name);
   for (const char* p = value; *p; p++) {
      if (*p == '\\' || *p == '"')
         Buf_printf(out, "\\%c", *p);
      else if (*p == '\n')
         Buf_appendStr(out, "\\n");
      else
         Buf_append(out, p, 1);
   }
   Buf_appendStr(out, "\"");
}

/* The cgroup v2 path of the connection's owner ("/system.slice/ssh.service"),
 * taken in the kernel (or by the capture's owner lookup), so a process that
 * exited is still named; NULL when not known (yet). */
static const char* Labels_cgroup(const Conn* c) {
   return c->cgroupId ? Names_cgroupPath(c->cgroupId) : NULL;
}

/* The remote label: the first CIDR of remote_networks holding the address. */
static const char* Labels_remote(const Labels* this, const Conn* c) {
   const NetCidr* n = NetCidrs_match(&this->networks, c->family == AF_INET6 ? AF_INET6 : AF_INET, Conn_raddr(c));
   return n ? n->text : "unlisted";
}

void Labels_of(const Labels* this, const Conn* c, Buf* out, bool* final) {
   *final = c->hasOwner;
   Labels_append(out, "proto", c->proto == IPPROTO_UDP ? "udp" : "tcp");
   Labels_append(out, "comm", c->hasOwner && c->comm[0] ? c->comm : "unknown");
   if (this->chosen & SETTINGS_LABEL_SERVICE) {
      char port[16];
      snprintf(port, sizeof(port), "%u", c->rport);
      Labels_append(out, "service", c->rport && c->rport < this->ephemeralLow ? port : "ephemeral");
   }
   if (this->chosen & SETTINGS_LABEL_REMOTE)
      Labels_append(out, "remote", Labels_remote(this, c));
   if (this->chosen & SETTINGS_LABEL_CGROUP) {
      const char* cgroup = Labels_cgroup(c);
      /* an id whose path is not found yet (the tree is rescanned at most
       * every 2 s): labelled again at the next sample, not "unknown" for good */
      if (!cgroup && c->cgroupId)
         *final = false;
      Labels_append(out, "cgroup", cgroup ? cgroup : "unknown");
   }
}

void Labels_overflow(const Labels* this, bool udp, Buf* out) {
   Labels_append(out, "proto", udp ? "udp" : "tcp");
   Labels_append(out, "comm", "other");
   if (this->chosen & SETTINGS_LABEL_SERVICE)
      Labels_append(out, "service", "other");
   if (this->chosen & SETTINGS_LABEL_REMOTE)
      Labels_append(out, "remote", "other");
   if (this->chosen & SETTINGS_LABEL_CGROUP)
      Labels_append(out, "cgroup", "other");
}
