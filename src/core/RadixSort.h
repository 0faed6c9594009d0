/*
 * RadixSort.h: an in-place radix sort of items by a 64-bit and a 32-bit key, for
 * sorting tens of thousands of rows every interval without a comparison
 * function per pair.
 */
#ifndef TCPTOP_RADIXSORT_H
#define TCPTOP_RADIXSORT_H

#include <stddef.h>
#include <stdint.h>

/* 16 bytes: the sort of 400,000 rows needs 2 x 6.4 MB, not 2 x 9.6 MB. */
typedef struct RadixItem_ {
   uint64_t major;   /* compared first */
   uint32_t minor;   /* then this */
   uint32_t index;   /* the caller's: which item it is */
} RadixItem;

/* Sorts items ascending by (major, minor), in place; the order of items
 * equal in both is not kept (callers break such ties themselves). */
void RadixSort_sort(RadixItem* items, size_t n);

/* An order-preserving map of a double (not NaN) to an unsigned integer. */
uint64_t RadixSort_doubleKey(double v);

#endif
