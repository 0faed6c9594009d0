/*
 * ClangBuild.h: the C face of the embedded clang compiler (clang_build.cpp).
 *
 * The implementation lives in a loadable module (tcptop-clang.so) so that the
 * ~60 MB of libclang-cpp and libLLVM are mapped only in the short-lived child
 * process that compiles probes on a cache miss (see Compiler.c), never in the
 * long-running monitor.
 */
#ifndef TCPTOP_CLANGBUILD_H
#define TCPTOP_CLANGBUILD_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CLANGBUILD_ABI 1

/* BPF instruction set the probes are built for: v3 has the atomic
 * fetch-and-op instructions (kernel 5.12+) that __sync_fetch_and_or needs;
 * LLVM 14 crashes instead of reporting their use under v1. Part of the
 * cache key. */
#define CLANGBUILD_TARGET_CPU "v3"

/* A file served from memory to the compiler (headers, vmlinux.h). */
typedef struct ClangBuild_File_ {
   const char* path;     /* absolute path inside the compiler's view */
   const char* data;
   size_t len;
} ClangBuild_File;

typedef struct ClangBuild_Input_ {
   const char* sourcePath;   /* real file name, used in diagnostics */
   const char* source;
   size_t sourceLen;
   const ClangBuild_File* files;   /* in-memory headers */
   size_t nFiles;
   const char* const* args;        /* extra cc1 arguments (-D, -I) */
   size_t nArgs;
   const char* resourceDir;        /* clang builtin headers, may be NULL */
} ClangBuild_Input;

typedef struct ClangBuild_Output_ {
   char* object;       /* BPF ELF object (malloc'd), NULL on failure */
   size_t objectLen;
   char* diagnostics;  /* "file:line:col: error: ..." text (malloc'd), may be NULL */
   int errors;         /* number of errors reported */
} ClangBuild_Output;

typedef int (*ClangBuild_compile_fn)(const ClangBuild_Input* in, ClangBuild_Output* out);
typedef const char* (*ClangBuild_version_fn)(void);
typedef int (*ClangBuild_abi_fn)(void);

/* Exported by the module (looked up with dlsym). */
int ClangBuild_compile(const ClangBuild_Input* in, ClangBuild_Output* out);
const char* ClangBuild_version(void);
int ClangBuild_abi(void);

#ifdef __cplusplus
}
#endif

#endif
