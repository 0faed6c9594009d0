/*
 * BtfHeader.h: vmlinux.h generated in-process from the running kernel's BTF
 * (libbpf's btf_dump, with bpftool's prologue and epilogue).
 */
#ifndef TCPTOP_BTFHEADER_H
#define TCPTOP_BTFHEADER_H

#include "bpf/StrSet.h"
#include "core/XUtils.h"

#define BTFHEADER_VMLINUX "/sys/kernel/btf/vmlinux"

typedef struct BtfHeader_ BtfHeader;

/* Parses a raw BTF file; on failure returns NULL and sets *err (malloc'd). */
BtfHeader* BtfHeader_open(const char* path, char** err);

/* Every type, as `bpftool btf dump file ... format c` prints it. 0, or -1
 * with *err (out then holds an incomplete header). */
int BtfHeader_dumpAll(BtfHeader* this, Buf* out, char** err);

/*
 * Only the types named in `names` (struct, union, enum or typedef names, and
 * enumerator names), with everything they embed; types reached through a
 * pointer are forward-declared. A probe that needs more falls back to the
 * full header (Compiler.c). 0, or -1 with *err, as BtfHeader_dumpAll.
 */
int BtfHeader_dumpNamed(BtfHeader* this, const StrSet* names, Buf* out, char** err);

/* Identifiers every probe may use without naming them in its source. */
void BtfHeader_addBaseNames(StrSet* names);

#endif
