/*
 * Hash.c: two 64-bit lanes over 16-byte blocks with multiply-xorshift mixing.
 */
#include "config.h"
#include "bpf/Hash.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define HASH_K1 0x9E3779B97F4A7C15ULL
#define HASH_K2 0xC2B2AE3D27D4EB4FULL
#define HASH_K3 0x165667B19E3779F9ULL

static inline uint64_t Hash_rotl(uint64_t x, int r) {
   return (x << r) | (x >> (64 - r));
}

static inline uint64_t Hash_mix(uint64_t x) {
   x ^= x >> 33;
   x *= 0xFF51AFD7ED558CCDULL;
   x ^= x >> 33;
   x *= 0xC4CEB9FE1A85EC53ULL;
   x ^= x >> 33;
   return x;
}

static inline uint64_t Hash_load64(const unsigned char* p) {
   uint64_t v;
   memcpy(&v, p, 8);
   return v;
}

static inline void Hash_block(Hash* h, const unsigned char* p) {
   uint64_t k1 = Hash_load64(p) * HASH_K1;
   uint64_t k2 = Hash_load64(p + 8) * HASH_K2;
   h->a = Hash_rotl(h->a ^ Hash_rotl(k1, 31), 27) * 5 + 0x52DCE729;
   h->b = Hash_rotl(h->b ^ Hash_rotl(k2, 33), 31) * 5 + 0x38495AB5;
   h->a += h->b;
   h->b += h->a;
}

void Hash_init(Hash* h) {
   h->a = HASH_K3;
   h->b = HASH_K1 ^ HASH_K2;
   h->total = 0;
   h->tailLen = 0;
}

void Hash_update(Hash* h, const void* data, size_t len) {
   const unsigned char* p = data;
   h->total += len;
   if (h->tailLen) {
      size_t take = 16 - h->tailLen < len ? 16 - h->tailLen : len;
      memcpy(h->tail + h->tailLen, p, take);
      h->tailLen += take;
      p += take;
      len -= take;
      if (h->tailLen < 16)
         return;
      Hash_block(h, h->tail);
      h->tailLen = 0;
   }
   for (; len >= 16; p += 16, len -= 16)
      Hash_block(h, p);
   memcpy(h->tail, p, len);
   h->tailLen = len;
}

void Hash_field(Hash* h, const void* data, size_t len) {
   uint64_t n = len;
   Hash_update(h, &n, sizeof(n));
   Hash_update(h, data, len);
}

void Hash_str(Hash* h, const char* s) {
   Hash_field(h, s, s ? strlen(s) : 0);
}

HashDigest Hash_final(const Hash* h) {
   Hash c = *h;
   unsigned char last[16] = {0};
   memcpy(last, c.tail, c.tailLen);
   last[15] = (unsigned char)c.tailLen;
   Hash_block(&c, last);
   c.a ^= c.total;
   c.b ^= c.total * HASH_K3;
   c.a += c.b;
   c.b += c.a;
   HashDigest d = { Hash_mix(c.a), Hash_mix(c.b ^ c.a) };
   return d;
}

HashDigest Hash_of(const void* data, size_t len) {
   Hash h;
   Hash_init(&h);
   Hash_update(&h, data, len);
   return Hash_final(&h);
}

int Hash_file(const char* path, HashDigest* out) {
   int fd = open(path, O_RDONLY | O_CLOEXEC);
   if (fd < 0)
      return errno;
   Hash h;
   Hash_init(&h);
   unsigned char buf[65536];
   for (;;) {
      ssize_t n = read(fd, buf, sizeof(buf));
      if (n < 0 && errno == EINTR)
         continue;
      if (n < 0) {
         int err = errno;
         close(fd);
         return err;
      }
      if (n == 0)
         break;
      Hash_update(&h, buf, (size_t)n);
   }
   close(fd);
   if (h.total == 0)
      return ENODATA;
   *out = Hash_final(&h);
   return 0;
}

void HashDigest_hex(HashDigest d, char out[33]) {
   snprintf(out, 33, "%016llx%016llx", (unsigned long long)d.hi, (unsigned long long)d.lo);
}
