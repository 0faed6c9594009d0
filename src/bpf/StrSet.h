/*
 * StrSet.h: a set of strings (open addressing), used for identifier scans.
 */
#ifndef TCPTOP_STRSET_H
#define TCPTOP_STRSET_H

#include <stdbool.h>
#include <stddef.h>

typedef struct StrSet_ {
   char** slots;
   size_t cap;
   size_t count;
} StrSet;

void StrSet_init(StrSet* s);
void StrSet_done(StrSet* s);
bool StrSet_add(StrSet* s, const char* str);
bool StrSet_has(const StrSet* s, const char* str);

/* Adds every C identifier of text, skipping comments and literals. */
void StrSet_addIdentifiers(StrSet* s, const char* text, size_t len);

#endif
