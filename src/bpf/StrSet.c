/*
 * StrSet.c: string set and the C identifier scanner.
 */
#include "config.h"
#include "bpf/StrSet.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/XUtils.h"

static uint64_t StrSet_hash(const char* s, size_t n) {
   uint64_t h = 1469598103934665603ULL;
   for (size_t i = 0; i < n; i++) {
      h ^= (unsigned char)s[i];
      h *= 1099511628211ULL;
   }
   return h;
}

void StrSet_init(StrSet* s) {
   s->cap = 64;
   s->count = 0;
   s->slots = xCalloc(s->cap, sizeof(char*));
}

void StrSet_done(StrSet* s) {
   for (size_t i = 0; i < s->cap; i++)
      free(s->slots[i]);
   free(s->slots);
   s->slots = NULL;
   s->cap = s->count = 0;
}

static size_t StrSet_find(char* const* slots, size_t cap, const char* str, size_t n) {
   size_t i = (size_t)StrSet_hash(str, n) & (cap - 1);
   while (slots[i] && !(strncmp(slots[i], str, n) == 0 && slots[i][n] == '\0'))
      i = (i + 1) & (cap - 1);
   return i;
}

static void StrSet_grow(StrSet* s) {
   size_t cap = s->cap * 2;
   char** slots = xCalloc(cap, sizeof(char*));
   for (size_t i = 0; i < s->cap; i++) {
      if (s->slots[i])
         slots[StrSet_find(slots, cap, s->slots[i], strlen(s->slots[i]))] = s->slots[i];
   }
   free(s->slots);
   s->slots = slots;
   s->cap = cap;
}

static bool StrSet_addN(StrSet* s, const char* str, size_t n) {
   if ((s->count + 1) * 2 > s->cap)
      StrSet_grow(s);
   size_t i = StrSet_find(s->slots, s->cap, str, n);
   if (s->slots[i])
      return false;
   s->slots[i] = xStrndup(str, n);
   s->count++;
   return true;
}

bool StrSet_add(StrSet* s, const char* str) {
   return StrSet_addN(s, str, strlen(str));
}

bool StrSet_has(const StrSet* s, const char* str) {
   return s->slots[StrSet_find(s->slots, s->cap, str, strlen(str))] != NULL;
}

/* Skips a comment or literal starting at text[i]; returns the index after it. */
static size_t StrSet_skipNonCode(const char* text, size_t len, size_t i) {
   if (text[i] == '/' && i + 1 < len && text[i + 1] == '/') {
      while (i < len && text[i] != '\n')
         i++;
      return i;
   }
   if (text[i] == '/' && i + 1 < len && text[i + 1] == '*') {
      i += 2;
      while (i + 1 < len && !(text[i] == '*' && text[i + 1] == '/'))
         i++;
      return i + 2 < len ? i + 2 : len;
   }
   char quote = text[i];
   for (i++; i < len && text[i] != quote && text[i] != '\n'; i++) {
      if (text[i] == '\\')
         i++;
   }
   return i + 1;
}

void StrSet_addIdentifiers(StrSet* s, const char* text, size_t len) {
   size_t i = 0;
   while (i < len) {
      char c = text[i];
      if ((c == '/' && i + 1 < len && (text[i + 1] == '/' || text[i + 1] == '*')) || c == '"' || c == '\'') {
         i = StrSet_skipNonCode(text, len, i);
      } else if (isalpha((unsigned char)c) || c == '_') {
         size_t start = i;
         while (i < len && (isalnum((unsigned char)text[i]) || text[i] == '_'))
            i++;
         StrSet_addN(s, text + start, i - start);
      } else if (isdigit((unsigned char)c)) {
         while (i < len && (isalnum((unsigned char)text[i]) || text[i] == '_' || text[i] == '.'))
            i++;
      } else {
         i++;
      }
   }
}
