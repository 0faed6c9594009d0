/*
 * EmbeddedHeaders.h: libbpf's BPF-side headers, embedded at build time.
 */
#ifndef TCPTOP_EMBEDDEDHEADERS_H
#define TCPTOP_EMBEDDEDHEADERS_H

#include <stddef.h>

typedef struct EmbeddedFile_ {
   const char* name;   /* include name, e.g. "bpf/bpf_helpers.h" */
   const char* data;
   size_t len;
} EmbeddedFile;

extern const EmbeddedFile EmbeddedHeaders[];
extern const unsigned EmbeddedHeaders_count;

#endif
