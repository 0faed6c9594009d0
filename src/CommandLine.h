/*
 * CommandLine.h: every command-line option declared once in a table (name,
 * argument, help, where it is stored) and parsed by one handler.
 */
#ifndef TCPTOP_COMMANDLINE_H
#define TCPTOP_COMMANDLINE_H

#include <stdbool.h>
#include <stdio.h>

typedef struct Settings_ {
   bool help;
   bool version;
   bool listProbes;
   bool noCache;
   char* cacheDir;
   char** probeDirs;    /* --probe-dir, in order given */
   int nProbeDirs;
} Settings;

void Settings_init(Settings* this);
void Settings_done(Settings* this);

/* Returns 0, or -1 after printing one error line (the caller exits 2). */
int CommandLine_parse(Settings* settings, int argc, char** argv);
void CommandLine_usage(FILE* out);

#endif
