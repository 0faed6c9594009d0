/*
 * Compiler.h: probe sources to BPF objects, through the cache, with the
 * embedded clang (tcptop-clang.so) loaded only in child processes that exist
 * while there is something to compile.
 */
#ifndef TCPTOP_COMPILER_H
#define TCPTOP_COMPILER_H

#include "bpf/Cache.h"
#include "bpf/Probe.h"
#include "bpf/KernelTypes.h"

#define COMPILER_INCLUDE_DIR "/tcptop/include"

typedef struct CompilerConfig_ {
   const char* modulePath;   /* tcptop-clang.so */
   const char* includeDir;   /* probe API headers, served at COMPILER_INCLUDE_DIR */
   Cache* cache;
   KernelTypes* kernel;
   int jobs;                 /* parallel compiler processes; 0: one per CPU */
   const char* compilerVersion;   /* NULL: TCPTOP_LLVM_VERSION */
   const char* const* defines;    /* extra "-DNAME=VALUE" for every probe */
   int nDefines;
} CompilerConfig;

/*
 * Gives every probe that is not already failed an object (status
 * PROBE_COMPILED) or a PROBE_COMPILE_ERROR with diagnostics. Returns 0, or
 * -1 with *err set when nothing could be compiled at all (no kernel types,
 * unreadable API headers).
 */
int Compiler_compileAll(const CompilerConfig* cfg, ProbeSet* set, char** err);

/* The cache key of one probe (exposed for tests). */
HashDigest Compiler_key(const CompilerConfig* cfg, const Probe* probe, const Buf* apiHeaders);


#endif
