/*
 * RadixSort.c: see RadixSort.h. An in-place most-significant-digit radix
 * sort ("American flag"): eight-bit digits, each bucket permuted in place
 * by swaps, then sorted on the next digit; digits that every item of a
 * bucket shares are skipped (row keys are mostly small: rates of idle
 * connections), small buckets sorted by insertion. No scratch array: the
 * LSD sort it replaces needed a second copy of the items (6.4 MB at
 * 400,000 rows).
 */
#include "config.h"
#include "core/RadixSort.h"

#include <stdbool.h>
#include <string.h>

#define RADIX_DIGITS 12     /* 8 of major, then 4 of minor */
#define RADIX_SMALL 32      /* buckets this small: insertion sort */

/* Digit d of the key, the most significant first. */
static unsigned RadixSort_digit(const RadixItem* it, int d) {
   return d < 8 ? (unsigned)(it->major >> (8 * (7 - d))) & 0xff : (it->minor >> (8 * (11 - d))) & 0xff;
}

static bool RadixSort_less(const RadixItem* a, const RadixItem* b) {
   return a->major != b->major ? a->major < b->major : a->minor < b->minor;
}

static void RadixSort_insertion(RadixItem* items, size_t n) {
   for (size_t i = 1; i < n; i++) {
      RadixItem x = items[i];
      size_t j = i;
      for (; j > 0 && RadixSort_less(&x, &items[j - 1]); j--)
         items[j] = items[j - 1];
      items[j] = x;
   }
}

/* The first digit from d on where the items differ; RADIX_DIGITS if none. */
static int RadixSort_firstDiffering(const RadixItem* items, size_t n, int d) {
   uint64_t orMajor = 0, andMajor = ~0ull;
   uint32_t orMinor = 0, andMinor = ~0u;
   for (size_t i = 0; i < n; i++) {
      orMajor |= items[i].major;
      andMajor &= items[i].major;
      orMinor |= items[i].minor;
      andMinor &= items[i].minor;
   }
   RadixItem differ = { .major = orMajor ^ andMajor, .minor = orMinor ^ andMinor };
   while (d < RADIX_DIGITS && RadixSort_digit(&differ, d) == 0)
      d++;
   return d;
}

/* Each item swapped into the bucket of its digit d; bucket b is
 * [start[b], start[b + 1]). */
static void RadixSort_permute(RadixItem* items, size_t n, int d, size_t start[257]) {
   size_t next[256];
   memset(start, 0, 257 * sizeof(size_t));
   for (size_t i = 0; i < n; i++)
      start[RadixSort_digit(&items[i], d) + 1]++;
   for (int b = 0; b < 256; b++) {
      start[b + 1] += start[b];
      next[b] = start[b];
   }
   for (unsigned b = 0; b < 256; b++) {
      while (next[b] < start[b + 1]) {
         unsigned db = RadixSort_digit(&items[next[b]], d);
         if (db == b) {
            next[b]++;
            continue;
         }
         RadixItem t = items[next[db]];
         items[next[db]++] = items[next[b]];
         items[next[b]] = t;
      }
   }
}

static void RadixSort_msd(RadixItem* items, size_t n, int d) {
   if (n < RADIX_SMALL) {
      RadixSort_insertion(items, n);
      return;
   }
   d = RadixSort_firstDiffering(items, n, d);
   if (d == RADIX_DIGITS)
      return;   /* all equal */
   size_t start[257];
   RadixSort_permute(items, n, d, start);
   for (int b = 0; b < 256; b++) {
      if (start[b + 1] - start[b] > 1)
         RadixSort_msd(items + start[b], start[b + 1] - start[b], d + 1);
   }
}

void RadixSort_sort(RadixItem* items, size_t n) {
   RadixSort_msd(items, n, 0);
}

uint64_t RadixSort_doubleKey(double v) {
   v += 0.0;   /* -0.0 -> 0.0 */
   uint64_t bits;
   memcpy(&bits, &v, sizeof(bits));
   return bits >> 63 ? ~bits : bits | (1ull << 63);
}
