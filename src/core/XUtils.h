/*
 * XUtils.h: allocation that never returns NULL, a growable byte buffer, file
 * reading, and the one error-line convention of tcptop.
 */
#ifndef TCPTOP_XUTILS_H
#define TCPTOP_XUTILS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ATTR_FORMAT(a, b) __attribute__((format(printf, a, b)))
#define ATTR_NORETURN __attribute__((noreturn))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

void* xMalloc(size_t size);
void* xCalloc(size_t n, size_t size);
void* xRealloc(void* p, size_t size);
char* xStrdup(const char* s);
char* xStrndup(const char* s, size_t n);
char* xAsprintf(const char* fmt, ...) ATTR_FORMAT(1, 2);

typedef struct Buf_ {
   char* data;
   size_t len;
   size_t cap;
} Buf;

void Buf_init(Buf* b);
void Buf_done(Buf* b);
void Buf_reserve(Buf* b, size_t extra);
void Buf_append(Buf* b, const void* data, size_t len);
void Buf_appendStr(Buf* b, const char* s);
void Buf_printf(Buf* b, const char* fmt, ...) ATTR_FORMAT(2, 3);
void Buf_vprintf(Buf* b, const char* fmt, va_list ap);
/* NUL-terminates (not counted in len) and returns data. */
char* Buf_cstr(Buf* b);

/* Reads a whole file (regular or procfs/sysfs). Returns 0 or an errno. */
int XUtils_readFile(const char* path, Buf* out);
/* The same from an open file, to its end; 0 or an errno. */
int XUtils_readFd(int fd, Buf* out);
/* Writes all of data (EINTR retried); 0 or an errno. Atomic replacement of a
 * file: SafeFile_replaceAt. */
int XUtils_writeAll(int fd, const void* data, size_t len);
bool XUtils_endsWith(const char* s, const char* suffix);
char* XUtils_trim(char* s);

/* Prints "tcptop: <message>" on stderr (one line). */
void XUtils_error(const char* fmt, ...) ATTR_FORMAT(1, 2);
/* Big allocations (1 MiB and more) from mmap, back to the system when
 * freed: a sample's sort keys, the start's seeding buffers. */
void XUtils_tuneMalloc(void);
void XUtils_fatal(int code, const char* fmt, ...) ATTR_FORMAT(2, 3) ATTR_NORETURN;

/* What a fatal signal handler does first, async-signal-safe: the screen
 * (ui/CRT) sets one that gives the terminal and stderr back, so that the
 * reason is seen (core/Sandbox's SIGSYS). NULL: nothing. */
void XUtils_setCrashRestore(void (*restore)(void));
/* Runs it, if set; async-signal-safe. */
void XUtils_crashRestore(void);

#endif
