/*
 * driver.c: runs the fuzz target without libFuzzer (any compiler): every
 * seed file once, then mutations of them (bit flips, byte values, cuts,
 * duplicated and removed runs) from a fixed PRNG seed, for -n inputs or -t
 * seconds, whichever comes first.
 *
 *   driver [-n COUNT] [-t SECONDS] [-s SEED] FILE...
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

#define DRIVER_MAX (1 << 20)

typedef struct Seed_ {
   uint8_t* data;
   size_t size;
} Seed;

static uint64_t driver_rng;

static uint64_t driver_next(void) {
   driver_rng ^= driver_rng << 13;
   driver_rng ^= driver_rng >> 7;
   driver_rng ^= driver_rng << 17;
   return driver_rng;
}

static size_t driver_mutate(uint8_t* buf, size_t size) {
   int edits = 1 + (int)(driver_next() % 8);
   for (int e = 0; e < edits && size > 0; e++) {
      size_t at = driver_next() % size;
      switch (driver_next() % 6) {
      case 0: buf[at] ^= (uint8_t)(1u << (driver_next() % 8)); break;
      case 1: buf[at] = (uint8_t)driver_next(); break;
      case 2: buf[at] = (uint8_t[]){ 0, 0xff, 0x7f, 0x80, 1 }[driver_next() % 5]; break;
      case 3: size = at + 1; break;                                   /* cut */
      case 4: {                                                       /* remove a run */
         size_t n = 1 + driver_next() % 64;
         if (at + n < size) {
            memmove(buf + at, buf + at + n, size - at - n);
            size -= n;
         }
         break;
      }
      default: {                                                      /* duplicate a run */
         size_t n = 1 + driver_next() % 64;
         if (at + n <= size && size + n <= DRIVER_MAX) {
            memmove(buf + at + n, buf + at, size - at);
            size += n;
         }
         break;
      }
      }
   }
   return size;
}

static Seed driver_read(const char* path) {
   Seed s = { NULL, 0 };
   FILE* f = fopen(path, "rb");
   if (!f) {
      perror(path);
      exit(2);
   }
   s.data = malloc(DRIVER_MAX);
   s.size = fread(s.data, 1, DRIVER_MAX, f);
   fclose(f);
   return s;
}

static double driver_now(void) {
   struct timespec ts;
   clock_gettime(CLOCK_MONOTONIC, &ts);
   return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char** argv) {
   long count = 100000;
   double seconds = 20;
   driver_rng = 0x2545F4914F6CDD1Dull;
   for (int c; (c = getopt(argc, argv, "n:t:s:")) != -1;) {
      if (c == 'n')
         count = atol(optarg);
      else if (c == 't')
         seconds = atof(optarg);
      else if (c == 's')
         driver_rng = strtoull(optarg, NULL, 0) | 1;
      else
         return 2;
   }
   int nSeeds = argc - optind;
   if (nSeeds <= 0) {
      fprintf(stderr, "usage: driver [-n COUNT] [-t SECONDS] [-s SEED] FILE...\n");
      return 2;
   }
   Seed* seeds = calloc((size_t)nSeeds, sizeof(Seed));
   for (int i = 0; i < nSeeds; i++) {
      seeds[i] = driver_read(argv[optind + i]);
      LLVMFuzzerTestOneInput(seeds[i].data, seeds[i].size);
   }
   uint8_t* buf = malloc(DRIVER_MAX);
   double end = driver_now() + seconds;
   long done = 0;
   for (; done < count && (done % 256 || driver_now() < end); done++) {
      const Seed* s = &seeds[driver_next() % (uint64_t)nSeeds];
      memcpy(buf, s->data, s->size);
      size_t size = driver_mutate(buf, s->size);
      LLVMFuzzerTestOneInput(buf, size);
   }
   printf("fuzz driver: %d seeds, %ld mutated inputs, no crash\n", nSeeds, done);
   for (int i = 0; i < nSeeds; i++)
      free(seeds[i].data);
   free(seeds);
   free(buf);
   return 0;
}
