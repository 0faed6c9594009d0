/*
 * Format.c: see Format.h.
 */
#include "config.h"
#include "core/Format.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Two digits a step: most cells are counters of 5 to 12 digits. */
static const char Format_pairs[] =
   "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
   "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
   "8081828384858687888990919293949596979899";

int Format_u64(char* out, uint64_t v) {
   int n = 1;
   for (uint64_t p = 10; n < 20 && v >= p; p *= 10)
      n++;
   char* s = out + n;
   *s = '\0';
   while (v >= 100) {   /* written from the end: no copy */
      s -= 2;
      memcpy(s, Format_pairs + 2 * (v % 100), 2);
      v /= 100;
   }
   if (v >= 10) {
      memcpy(s - 2, Format_pairs + 2 * v, 2);
   } else {
      s[-1] = (char)('0' + v);
   }
   return n;
}

int Format_fixed(char* out, double v, int decimals) {
   static const double scale[] = { 1, 10, 100, 1000 };
   if (v == 0 && !signbit(v) && decimals >= 0 && decimals <= 3) {   /* most rates */
      memcpy(out, "0.000", 5);
      int n = decimals ? decimals + 2 : 1;
      out[n] = '\0';
      return n;
   }
   double x = decimals >= 0 && decimals <= 3 ? v * scale[decimals] : -1;
   double r = nearbyint(x);
   /* printf rounds the exact binary value; v * scale is itself rounded, so
    * near a tie (and for negatives, NaN, beyond 2^52) ask printf */
   if (!(x >= 0) || x >= 4503599627370496.0 || 0.5 - fabs(x - r) < x * 1e-15 + 1e-9)
      return snprintf(out, 32, "%.*f", decimals < 0 ? 0 : decimals, v);
   uint64_t units = (uint64_t)r;
   if (decimals == 0)
      return Format_u64(out, units);
   uint64_t div = (uint64_t)scale[decimals];
   int n = Format_u64(out, units / div);
   out[n++] = '.';
   uint64_t frac = units % div;
   for (int d = decimals - 1; d >= 0; d--) {
      out[n + d] = (char)('0' + frac % 10);
      frac /= 10;
   }
   n += decimals;
   out[n] = '\0';
   return n;
}

static char* Format_byte(char* p, unsigned v) {
   if (v >= 100) {
      *p++ = (char)('0' + v / 100);
      memcpy(p, Format_pairs + 2 * (v % 100), 2);
      return p + 2;
   }
   if (v >= 10) {
      memcpy(p, Format_pairs + 2 * v, 2);
      return p + 2;
   }
   *p++ = (char)('0' + v);
   return p;
}

int Format_ipv4(char* out, const uint8_t a[4]) {
   char* p = out;
   for (int i = 0; i < 4; i++) {
      p = Format_byte(p, a[i]);
      *p++ = '.';
   }
   p[-1] = '\0';
   return (int)(p - 1 - out);
}
