/*
 * Screen.h: the interactive view (ncurses), top-like: a summary header with
 * sparklines, one row per connection, keys to sort, filter, pause, change
 * the interval, resolve names, open a connection's details, pick columns.
 * Screen.c is the top of the screen's modules: it runs the loop, keeps the
 * shared View, draws the header, the active panel (ListPanel, DetailPanel,
 * HelpPanel, SortPanel, SetupPanel) and the footer, and hands keys to the
 * active panel.
 */
#ifndef TCPTOP_SCREEN_H
#define TCPTOP_SCREEN_H

#include "core/Monitor.h"

/* Runs the screen until q or a signal; returns the exit code. */
int Screen_run(Monitor* monitor);

#endif
