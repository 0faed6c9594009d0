/* Hash: streaming in pieces equals one shot; any change changes it. */
#include "config.h"

#include <string.h>

#include "bpf/Hash.h"
#include "check.h"

int main(void) {
   char data[1000];
   for (size_t i = 0; i < sizeof(data); i++)
      data[i] = (char)(i * 7 + 3);
   HashDigest one = Hash_of(data, sizeof(data));
   for (size_t step = 1; step < 40; step += 3) {
      Hash h;
      Hash_init(&h);
      for (size_t off = 0; off < sizeof(data); off += step)
         Hash_update(&h, data + off, off + step > sizeof(data) ? sizeof(data) - off : step);
      HashDigest d = Hash_final(&h);
      CHECK(d.hi == one.hi && d.lo == one.lo);
   }
   int collisions = 0;
   for (size_t i = 0; i < sizeof(data); i++) {
      data[i] ^= 1;
      HashDigest d = Hash_of(data, sizeof(data));
      collisions += d.hi == one.hi || d.lo == one.lo;
      data[i] ^= 1;
   }
   CHECK(collisions == 0);
   HashDigest a = Hash_of(data, 999), b = Hash_of(data, 1000);
   CHECK(a.hi != b.hi);
   Hash h1, h2;
   Hash_init(&h1);
   Hash_init(&h2);
   Hash_str(&h1, "ab");
   Hash_str(&h1, "c");
   Hash_str(&h2, "a");
   Hash_str(&h2, "bc");
   CHECK(Hash_final(&h1).hi != Hash_final(&h2).hi);
   char hex[33];
   HashDigest z = { 0x0123456789abcdefULL, 0xfedcba9876543210ULL };
   HashDigest_hex(z, hex);
   CHECK_STR(hex, "0123456789abcdeffedcba9876543210");
   return check_done("test_hash");
}
