/*
 * Labels.h: the label set of a connection's series, as Prometheus text
 * (`proto="tcp",comm="curl"`): proto and comm always, then the [export]
 * labels chosen: service, remote (CIDR buckets), cgroup.
 */
#ifndef TCPTOP_LABELS_H
#define TCPTOP_LABELS_H

#include <stdbool.h>

#include "config/NetSpec.h"
#include "config/Settings.h"
#include "core/Conn.h"
#include "core/XUtils.h"

typedef struct Labels_ {
   unsigned chosen;          /* SETTINGS_LABEL_* */
   NetCidrs networks;        /* the remote label's buckets */
   int ephemeralLow;         /* the first port of the ephemeral range */
} Labels;

/* Reads the settings (checked by the option table) and the ephemeral port
 * range (/proc, before the privilege drop); 0, or -1 with *err. */
int Labels_init(Labels* this, const Settings* settings, char** err);
void Labels_done(Labels* this);

/* Appends c's label set; *final false when a label may still change (the
 * process is not known yet). */
void Labels_of(const Labels* this, const Conn* c, Buf* out, bool* final);
/* The overflow set of a protocol: every label but proto is "other". */
void Labels_overflow(const Labels* this, bool udp, Buf* out);
/* Appends name="value" with the value escaped (\\, \", \n). */
void Labels_append(Buf* out, const char* name, const char* value);

#endif
