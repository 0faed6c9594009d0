/*
 * Config.h: tcptop.conf (INI, read with inih): its keys are the option
 * table's entries with a section (config/Settings.c: key, type, range or
 * choices, default, help, where it is stored in Settings), checked by one
 * handler; [probes] also takes the probes' lines. Files are read in order,
 * system, user, then -c FILE; the command line is parsed after them and wins.
 */
#ifndef TCPTOP_CONFIG_H
#define TCPTOP_CONFIG_H

#include <stdbool.h>
#include <stdio.h>

#include "config/CommandLine.h"

#define CONFIG_FILE_NAME "tcptop.conf"

/* $XDG_CONFIG_HOME/tcptop/tcptop.conf, or ~/.config/tcptop/tcptop.conf. */
char* Config_userPath(void);

/*
 * Reads one file into settings. A missing file is fine unless `required`.
 * Returns 0, or -1 with *err set to one line ("FILE:LINE: message" for a
 * wrong section, key or value, naming what is valid).
 */
int Config_loadFile(Settings* settings, const char* path, bool required, char** err);

/* The system file, then the user file, then `explicitPath` (-c; may be NULL). */
int Config_load(Settings* settings, const char* systemPath, const char* userPath, const char* explicitPath, char** err);

/*
 * Config, then the command line on top: the order main() uses. Returns 0,
 * or -1 with *err (the caller exits 2).
 */
int Config_loadWithCommandLine(Settings* settings, int argc, char** argv, char** err);

/*
 * The effective configuration as a tcptop.conf: every key with its value and
 * a "# help" line (the entry's help, range or choices, default and
 * command-line option), [probes] last (the eBPF backend appends its probes'
 * lines: ProbeConfig_dump).
 */
void Config_dump(FILE* out, const Settings* settings);
/* "# text" wrapped at 78 columns (a line per 76 characters of text). */
void Config_writeComment(FILE* out, const char* text);

/*
 * Sets [display] columns= and sort= in the config file at `path` (normally
 * Config_userPath()), keeping every other line and comment as it is: the
 * existing key lines are replaced in place, missing ones are added at the end
 * of [display], and the section is added when absent. Written atomically
 * (temporary file in the same directory, fsync, rename), mode 0600; the
 * directory is created (0700) when missing. A link, another user's file or a
 * directory others can write is refused (SafeFile). NULL columns or sort
 * leaves that key alone. Returns 0, or -1 with *err set.
 */
int Config_saveDisplay(const char* path, const char* columns, const char* sort, char** err);

#endif
