/*
 * check.h: the unit tests' assertions. Each CHECK prints one line on failure;
 * the test exits non-zero if any failed (automake's harness counts the test).
 */
#ifndef TCPTOP_TEST_CHECK_H
#define TCPTOP_TEST_CHECK_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int check_failures;
static int check_count;

/* A file's whole text, malloc'd; NULL when it cannot be read. */
static inline char* check_readText(const char* path) {
   FILE* f = fopen(path, "rb");
   if (!f)
      return NULL;
   char* text = NULL;
   size_t len = 0, cap = 0, n;
   do {
      if (len + 4096 + 1 > cap)
         text = realloc(text, cap = (len + 4096 + 1) * 2);
      n = fread(text + len, 1, cap - len - 1, f);
      len += n;
   } while (n > 0);
   fclose(f);
   text[len] = '\0';
   return text;
}

/* What write(f, s) prints, as a malloc'd string. */
static inline char* check_capture(void (*write)(FILE*, const char*), const char* s) {
   char* buf = NULL;
   size_t len = 0;
   FILE* f = open_memstream(&buf, &len);
   write(f, s);
   fclose(f);
   return buf;
}

#define CHECK(cond) do { \
   check_count++; \
   if (!(cond)) { \
      check_failures++; \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
   } \
} while (0)

#define CHECK_STR(a, b) do { \
   const char* check_a_ = (a); const char* check_b_ = (b); \
   check_count++; \
   if (!check_a_ || !check_b_ || strcmp(check_a_, check_b_) != 0) { \
      check_failures++; \
      fprintf(stderr, "%s:%d: CHECK_STR failed: %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__, \
              #a, check_a_ ? check_a_ : "(null)", check_b_ ? check_b_ : "(null)"); \
   } \
} while (0)

#define CHECK_CONTAINS(hay, needle) do { \
   const char* check_h_ = (hay); \
   check_count++; \
   if (!check_h_ || !strstr(check_h_, (needle))) { \
      check_failures++; \
      fprintf(stderr, "%s:%d: CHECK_CONTAINS failed: %s = \"%s\" lacks \"%s\"\n", __FILE__, __LINE__, \
              #hay, check_h_ ? check_h_ : "(null)", (needle)); \
   } \
} while (0)

static int check_rmEntry(const char* path, const struct stat* st, int flag, struct FTW* ftw) {
   (void)st; (void)flag; (void)ftw;
   return remove(path);
}

/* Removes a temporary directory tree. */
static inline void check_rmtree(const char* dir) {
   nftw(dir, check_rmEntry, 16, FTW_DEPTH | FTW_PHYS);
}

static inline int check_done(const char* name) {
   printf("%s: %d checks, %d failed\n", name, check_count, check_failures);
   return check_failures ? 1 : 0;
}

#endif
