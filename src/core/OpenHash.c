/*
 * OpenHash.c: backward-shift deletion for linear probing.
 */
#include "config.h"
#include "core/OpenHash.h"

void OpenHash_closeGap(const OpenHashSlots* s, size_t hole) {
   size_t mask = s->cap - 1;
   for (size_t j = (hole + 1) & mask; s->used(s->table, j); j = (j + 1) & mask) {
      size_t home = s->hash(s->table, j) & mask;
      /* the member at j stays when its home lies cyclically in (hole, j] */
      bool stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
      if (!stays) {
         s->move(s->table, hole, j);
         hole = j;
      }
   }
}
