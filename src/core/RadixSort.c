/*
 * RadixSort.c: see RadixSort.h. Eight-bit digits, least significant first;
 * a digit that every item shares costs one counting pass and no moves (row
 * keys are mostly small: cookies, rates of idle connections).
 */
#include "config.h"
#include "core/RadixSort.h"

#include <stdbool.h>
#include <string.h>

static uint64_t RadixSort_key(const RadixItem* it, int pass) {
   return pass < 4 ? it->minor >> (8 * pass) : it->major >> (8 * (pass - 4));
}

/* One counting pass on digit `pass`; false when all items share it. */
static bool RadixSort_pass(const RadixItem* from, RadixItem* to, size_t n, int pass) {
   size_t count[256] = { 0 };
   for (size_t i = 0; i < n; i++)
      count[RadixSort_key(&from[i], pass) & 0xff]++;
   if (count[RadixSort_key(&from[0], pass) & 0xff] == n)
      return false;
   size_t sum = 0;
   for (int d = 0; d < 256; d++) {
      size_t c = count[d];
      count[d] = sum;
      sum += c;
   }
   for (size_t i = 0; i < n; i++)
      to[count[RadixSort_key(&from[i], pass) & 0xff]++] = from[i];
   return true;
}

void RadixSort_sort(RadixItem* items, RadixItem* tmp, size_t n) {
   if (n < 2)
      return;
   /* bits that differ somewhere: a digit with none is not even counted */
   uint32_t orMinor = 0, andMinor = ~0u;
   uint64_t orMajor = 0, andMajor = ~0ull;
   for (size_t i = 0; i < n; i++) {
      orMinor |= items[i].minor;
      andMinor &= items[i].minor;
      orMajor |= items[i].major;
      andMajor &= items[i].major;
   }
   RadixItem differ = { .major = orMajor ^ andMajor, .minor = (uint32_t)(orMinor ^ andMinor) };
   RadixItem* from = items;
   RadixItem* to = tmp;
   for (int pass = 0; pass < 12; pass++) {
      if ((RadixSort_key(&differ, pass) & 0xff) != 0 && RadixSort_pass(from, to, n, pass)) {
         RadixItem* t = from;
         from = to;
         to = t;
      }
   }
   if (from != items)
      memcpy(items, from, n * sizeof(RadixItem));
}

uint64_t RadixSort_doubleKey(double v) {
   v += 0.0;   /* -0.0 -> 0.0 */
   uint64_t bits;
   memcpy(&bits, &v, sizeof(bits));
   return bits >> 63 ? ~bits : bits | (1ull << 63);
}
