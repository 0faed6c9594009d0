/*
 * Hash.h: a fast 128-bit non-cryptographic hash for cache keys and entry
 * checksums (the cache is root-owned; the hash guards against staleness and
 * corruption, not against an attacker who can already write there).
 */
#ifndef TCPTOP_HASH_H
#define TCPTOP_HASH_H

#include <stddef.h>
#include <stdint.h>

typedef struct Hash_ {
   uint64_t a, b;
   uint64_t total;
   unsigned char tail[16];
   size_t tailLen;
} Hash;

typedef struct HashDigest_ {
   uint64_t hi, lo;
} HashDigest;

void Hash_init(Hash* h);
void Hash_update(Hash* h, const void* data, size_t len);
/* Adds a length-prefixed field, so ("ab","c") and ("a","bc") differ. */
void Hash_field(Hash* h, const void* data, size_t len);
void Hash_str(Hash* h, const char* s);
HashDigest Hash_final(const Hash* h);
HashDigest Hash_of(const void* data, size_t len);
/* Hashes a file's bytes, streamed in small reads. Returns 0 or an errno;
 * an empty file is ENODATA. */
int Hash_file(const char* path, HashDigest* out);
/* 32 lowercase hex digits + NUL. */
void HashDigest_hex(HashDigest d, char out[33]);

#endif
