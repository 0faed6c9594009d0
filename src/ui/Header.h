/*
 * Header.h: the summary above the connection list: the title line (version,
 * time, interval, probes or capture, PAUSED), connections by state, send
 * and receive rates with a sparkline each, packets and lost events, what
 * the view shows, and the probe health lines (P).
 */
#ifndef TCPTOP_HEADER_H
#define TCPTOP_HEADER_H

#include "ui/View.h"

#define HEADER_LINES 6   /* without the probe health lines */

/* Its lines on this terminal: HEADER_LINES and the probe lines shown. */
int Header_height(const View* view);
void Header_draw(const View* view);

#endif
