/*
 * XUtils.c: allocation, buffers, files, error lines.
 */
#include "config.h"
#include "core/XUtils.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

/*
 * glibc raises its mmap threshold to the size of any mapped block freed
 * (up to 32 MiB), so after the first sort of 400,000 rows its 6 MB of
 * keys, and the start's buffers for the older sockets, came from the heap
 * and stayed in RSS (161 MB at 400,000 rows, 3 MB of it free). A fixed
 * threshold keeps every block from 1 MiB up mapped, and returned.
 */
void XUtils_tuneMalloc(void) {
#ifdef M_MMAP_THRESHOLD
   mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
}

static void XUtils_oom(void) {
   fputs("tcptop: out of memory\n", stderr);
   abort();
}

void* xMalloc(size_t size) {
   void* p = malloc(size ? size : 1);
   if (!p)
      XUtils_oom();
   return p;
}

void* xCalloc(size_t n, size_t size) {
   void* p = calloc(n ? n : 1, size ? size : 1);
   if (!p)
      XUtils_oom();
   return p;
}

void* xRealloc(void* p, size_t size) {
   void* q = realloc(p, size ? size : 1);
   if (!q)
      XUtils_oom();
   return q;
}

char* xStrdup(const char* s) {
   char* p = strdup(s);
   if (!p)
      XUtils_oom();
   return p;
}

char* xStrndup(const char* s, size_t n) {
   char* p = strndup(s, n);
   if (!p)
      XUtils_oom();
   return p;
}

char* xAsprintf(const char* fmt, ...) {
   va_list ap;
   Buf b;
   Buf_init(&b);
   va_start(ap, fmt);
   Buf_vprintf(&b, fmt, ap);
   va_end(ap);
   return Buf_cstr(&b);
}

void Buf_init(Buf* b) {
   b->data = NULL;
   b->len = 0;
   b->cap = 0;
}

void Buf_done(Buf* b) {
   free(b->data);
   Buf_init(b);
}

void Buf_reserve(Buf* b, size_t extra) {
   if (b->len + extra + 1 <= b->cap)
      return;
   size_t cap = b->cap ? b->cap : 256;
   while (cap < b->len + extra + 1)
      cap *= 2;
   b->data = xRealloc(b->data, cap);
   b->cap = cap;
}

void Buf_append(Buf* b, const void* data, size_t len) {
   Buf_reserve(b, len);
   if (len)
      memcpy(b->data + b->len, data, len);
   b->len += len;
   b->data[b->len] = '\0';
}

void Buf_appendStr(Buf* b, const char* s) {
   Buf_append(b, s, strlen(s));
}

void Buf_vprintf(Buf* b, const char* fmt, va_list ap) {
   va_list ap2;
   va_copy(ap2, ap);
   int n = vsnprintf(NULL, 0, fmt, ap2);
   va_end(ap2);
   if (n < 0)
      return;
   Buf_reserve(b, (size_t)n);
   vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
   b->len += (size_t)n;
}

void Buf_printf(Buf* b, const char* fmt, ...) {
   va_list ap;
   va_start(ap, fmt);
   Buf_vprintf(b, fmt, ap);
   va_end(ap);
}

char* Buf_cstr(Buf* b) {
   Buf_reserve(b, 0);
   b->data[b->len] = '\0';
   return b->data;
}

int XUtils_readFd(int fd, Buf* out) {
   struct stat st;
   if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
      Buf_reserve(out, (size_t)st.st_size);
   for (;;) {
      Buf_reserve(out, 65536);
      ssize_t n = read(fd, out->data + out->len, out->cap - out->len - 1);
      if (n < 0) {
         if (errno == EINTR)
            continue;
         return errno;
      }
      if (n == 0)
         break;
      out->len += (size_t)n;
   }
   out->data[out->len] = '\0';
   return 0;
}

int XUtils_readFile(const char* path, Buf* out) {
   int fd = open(path, O_RDONLY | O_CLOEXEC);
   if (fd < 0)
      return errno;
   int err = XUtils_readFd(fd, out);
   close(fd);
   return err;
}

int XUtils_writeAll(int fd, const void* data, size_t len) {
   const char* p = data;
   while (len > 0) {
      ssize_t n = write(fd, p, len);
      if (n < 0) {
         if (errno == EINTR)
            continue;
         return errno;
      }
      p += n;
      len -= (size_t)n;
   }
   return 0;
}

bool XUtils_endsWith(const char* s, const char* suffix) {
   size_t ls = strlen(s), lx = strlen(suffix);
   return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

char* XUtils_trim(char* s) {
   while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
      s++;
   size_t n = strlen(s);
   while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
      s[--n] = '\0';
   return s;
}

static void XUtils_verror(const char* fmt, va_list ap) {
   Buf b;
   Buf_init(&b);
   Buf_appendStr(&b, "tcptop: ");
   Buf_vprintf(&b, fmt, ap);
   Buf_appendStr(&b, "\n");
   fflush(stdout);
   (void)!write(STDERR_FILENO, b.data, b.len);
   Buf_done(&b);
}

void XUtils_error(const char* fmt, ...) {
   va_list ap;
   va_start(ap, fmt);
   XUtils_verror(fmt, ap);
   va_end(ap);
}

void XUtils_fatal(int code, const char* fmt, ...) {
   va_list ap;
   va_start(ap, fmt);
   XUtils_verror(fmt, ap);
   va_end(ap);
   exit(code);
}

static void (*volatile XUtils_restore)(void);

void XUtils_setCrashRestore(void (*restore)(void)) {
   XUtils_restore = restore;
}

void XUtils_crashRestore(void) {
   void (*restore)(void) = XUtils_restore;
   if (restore)
      restore();
}
