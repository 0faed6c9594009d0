/*
 * Format.c: see Format.h.
 */
#include "config.h"
#include "core/Format.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int Format_u64(char* out, uint64_t v) {
   char tmp[20];
   int n = 0;
   do {
      tmp[n++] = (char)('0' + v % 10);
      v /= 10;
   } while (v);
   for (int i = 0; i < n; i++)
      out[i] = tmp[n - 1 - i];
   out[n] = '\0';
   return n;
}

int Format_fixed(char* out, double v, int decimals) {
   static const double scale[] = { 1, 10, 100, 1000 };
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

int Format_ipv4(char* out, const uint8_t a[4]) {
   int n = 0;
   for (int i = 0; i < 4; i++) {
      if (i)
         out[n++] = '.';
      n += Format_u64(out + n, a[i]);
   }
   return n;
}
