/*
 * RadixSort.h: a stable LSD radix sort of items by two 64-bit keys, for
 * sorting tens of thousands of rows every interval without a comparison
 * function per pair.
 */
#ifndef TCPTOP_RADIXSORT_H
#define TCPTOP_RADIXSORT_H

#include <stddef.h>
#include <stdint.h>

typedef struct RadixItem_ {
   uint64_t major;   /* compared first */
   uint64_t minor;   /* then this */
   void* data;
} RadixItem;

/* Sorts items ascending by (major, minor), equal ones in their given order.
 * tmp has room for n items. */
void RadixSort_sort(RadixItem* items, RadixItem* tmp, size_t n);

/* An order-preserving map of a double (not NaN) to an unsigned integer. */
uint64_t RadixSort_doubleKey(double v);

#endif
