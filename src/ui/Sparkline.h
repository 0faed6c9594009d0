/*
 * Sparkline.h: a ring of recent values (one per interval) and its drawing as
 * one line of block characters (UTF-8 ▁▂▃▄▅▆▇█, or ASCII) or as a graph of
 * several lines.
 */
#ifndef TCPTOP_SPARKLINE_H
#define TCPTOP_SPARKLINE_H

#include <stdbool.h>
#include <stddef.h>

#define SPARKLINE_LEN 64

typedef struct Sparkline_ {
   float v[SPARKLINE_LEN];
   int head;       /* next slot to write */
   int count;
} Sparkline;

void Sparkline_push(Sparkline* this, double v);
/* The value `back` intervals ago (0: the newest); 0 when older than kept. */
double Sparkline_get(const Sparkline* this, int back);
/* The largest of the newest n values. */
double Sparkline_max(const Sparkline* this, int n);
/*
 * The newest `width` values, oldest first, scaled to their maximum, right
 * aligned: one character each. Returns out (NUL-terminated, at most size).
 */
char* Sparkline_render(const Sparkline* this, int width, bool utf8, char* out, size_t size);
/*
 * Row `row` (0 = top) of a graph `height` rows high of the newest `width`
 * values scaled to max: a full block, a partial one (UTF-8: eighths) or a
 * space per value.
 */
char* Sparkline_graphRow(const Sparkline* this, int width, int height, int row, double max, bool utf8,
                         char* out, size_t size);

#endif
