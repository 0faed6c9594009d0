/*
 * Format.h: number and address formatting without printf, for the rows of
 * every interval (20,000 rows of 20 cells a second must stay cheap). Each
 * writes a NUL-terminated string to out and returns its length.
 */
#ifndef TCPTOP_FORMAT_H
#define TCPTOP_FORMAT_H

#include <stddef.h>
#include <stdint.h>

/* out needs 21 bytes. */
int Format_u64(char* out, uint64_t v);
/* As printf("%.*f", decimals, v), decimals 0..3; out needs 32 bytes. */
int Format_fixed(char* out, double v, int decimals);
/* Dotted quad; out needs 16 bytes. */
int Format_ipv4(char* out, const uint8_t a[4]);

#endif
