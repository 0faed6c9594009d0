/*
 * CommandLine.h: the command line, parsed by one handler from the entries of
 * the option table (config/Settings.c) that have a long option, and --help
 * made from the same entries.
 */
#ifndef TCPTOP_COMMANDLINE_H
#define TCPTOP_COMMANDLINE_H

#include <stdio.h>

#include "config/Settings.h"

/* Returns 0, or -1 with *err (the caller exits 2). */
int CommandLine_parse(Settings* settings, int argc, char** argv, char** err);
/* --help: each option with its help, range or choices, and default. */
void CommandLine_usage(FILE* out);

#endif
