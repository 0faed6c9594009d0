/*
 * Sparkline.c: recent values and their block-character drawing.
 */
#include "config.h"
#include "ui/Sparkline.h"

#include <string.h>

/* Nine levels: empty, then one to eight eighths. */
static const char* const Sparkline_blocks[] = { " ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
static const char Sparkline_ascii[] = " ._-=+*#@";

void Sparkline_push(Sparkline* this, double v) {
   this->v[this->head] = (float)(v > 0 ? v : 0);
   this->head = (this->head + 1) % SPARKLINE_LEN;
   if (this->count < SPARKLINE_LEN)
      this->count++;
}

double Sparkline_get(const Sparkline* this, int back) {
   if (back < 0 || back >= this->count)
      return 0;
   return this->v[(this->head - 1 - back + 2 * SPARKLINE_LEN) % SPARKLINE_LEN];
}

double Sparkline_max(const Sparkline* this, int n) {
   double max = 0;
   for (int i = 0; i < n && i < this->count; i++) {
      double v = Sparkline_get(this, i);
      max = v > max ? v : max;
   }
   return max;
}

/* Appends level (0..8) as one character; false when out is full. */
static bool Sparkline_append(char* out, size_t size, size_t* len, int level, bool utf8) {
   const char* s = utf8 ? Sparkline_blocks[level] : (const char[]){ Sparkline_ascii[level], 0 };
   size_t l = strlen(s);
   if (*len + l + 1 > size)
      return false;
   memcpy(out + *len, s, l);
   *len += l;
   out[*len] = '\0';
   return true;
}

/* 0..8 eighths of a cell for v against max (any traffic shows at least one). */
static int Sparkline_level(double v, double max) {
   if (max <= 0 || v <= 0)
      return 0;
   int level = (int)(v / max * 8 + 0.5);
   return level < 1 ? 1 : level > 8 ? 8 : level;
}

char* Sparkline_render(const Sparkline* this, int width, bool utf8, char* out, size_t size) {
   size_t len = 0;
   out[0] = '\0';
   if (width > SPARKLINE_LEN)
      width = SPARKLINE_LEN;
   double max = Sparkline_max(this, width);
   for (int i = width - 1; i >= 0; i--) {
      if (!Sparkline_append(out, size, &len, Sparkline_level(Sparkline_get(this, i), max), utf8))
         break;
   }
   return out;
}

char* Sparkline_graphRow(const Sparkline* this, int width, int height, int row, double max, bool utf8,
                         char* out, size_t size) {
   size_t len = 0;
   out[0] = '\0';
   if (width > SPARKLINE_LEN)
      width = SPARKLINE_LEN;
   int base = (height - 1 - row) * 8;   /* eighths below this row */
   for (int i = width - 1; i >= 0; i--) {
      double v = Sparkline_get(this, i);
      int total = max > 0 && v > 0 ? (int)(v / max * height * 8 + 0.5) : 0;
      if (v > 0 && total < 1)
         total = 1;
      int level = total - base;
      level = level < 0 ? 0 : level > 8 ? 8 : level;
      if (!Sparkline_append(out, size, &len, level, utf8))
         break;
   }
   return out;
}
