/*
 * Option.h: one setting as an entry of the option table (config/Settings.c):
 * where it may appear (a command-line option, a key of tcptop.conf, or
 * both), its type, range or choices, default and help, and where it is
 * stored in Settings; and the validation, formatting and help text that
 * every place derives from the entry, so the command line and the config
 * file accept and refuse the same values with the same words.
 */
#ifndef TCPTOP_OPTION_H
#define TCPTOP_OPTION_H

#include <stdbool.h>
#include <stddef.h>

#include "core/XUtils.h"

typedef enum OptionType_ {
   OPT_FLAG,          /* bool */
   OPT_STRING,        /* char* */
   OPT_STRING_LIST,   /* char** at offset, int count at countOffset */
   OPT_INT,           /* int in [min, max] */
   OPT_DOUBLE,        /* double in [min, max] */
   OPT_CHOICE,        /* int: index in choices */
   OPT_CHOICE_SET,    /* unsigned: bit i for choices[i], given as "a,b" ("" none) */
} OptionType;

typedef struct OptionEntry_ {
   /* where it may appear: at least one of the two */
   const char* name;          /* --name (and -shortName); NULL: only in tcptop.conf */
   char shortName;
   const char* section;       /* its [section] in tcptop.conf; NULL: only on the command line */
   const char* key;           /* its key there */
   const char* alias;         /* another accepted spelling of the key */
   /* what it holds */
   OptionType type;
   const char* argName;       /* the command line's name for the value */
   size_t offset;             /* in Settings */
   size_t countOffset;        /* OPT_STRING_LIST: the int count */
   double min, max;
   const char* const* choices;   /* NULL-terminated */
   bool emptyIsNone;          /* OPT_STRING: "" resets it to NULL (none) */
   /* tcptop.conf only: more checks on a string, for FILE:LINE at once (the
    * command line's value is checked where it is used, with the same words) */
   int (*check)(const char* value, char** why);
   /* its default: at most one of the three */
   const char* def;           /* the value Settings_init stores; NULL: 0, off, none */
   void (*defaultText)(Buf* out);   /* a string whose NULL stands for this, made at run time */
   const char* defaultNote;   /* what NULL leaves to the code that uses it, in words */
   const char* help;          /* without range, choices or default: those are added */
} OptionEntry;


/*
 * Checks `arg` for the option's type and stores it in the structure at base
 * (Settings). Returns 0, or -1 with *why saying what is valid ("must be a
 * number from 0.05 to 3600", "valid values are text, csv, json").
 */
int Option_store(void* base, const OptionEntry* o, const char* arg, char** why);

/* The stored value as text that Option_store accepts back ("" for no string;
 * the default's text for a NULL string that has a defaultText). */
void Option_format(const void* base, const OptionEntry* o, Buf* out);

/* The default in words: "1", "none", "/var/cache/tcptop as root"; or NULL. */
char* Option_defaultText(const OptionEntry* o);

/*
 * The help, with the range or choices, the default, and with `alsoName`
 * the command-line spelling of a config key: "seconds between samples
 * (0.05 to 3600; default 1; like -d)".
 */
char* Option_describe(const OptionEntry* o, bool alsoName);

/*
 * Appends `text` in lines of at most `width` characters, broken at a blank
 * or after a comma, each ended with a newline and every one but the first
 * preceded by `indent`.
 */
void Option_wrap(Buf* out, const char* text, size_t width, const char* indent);

#endif
