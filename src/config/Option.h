/*
 * Option.h: one typed setting (type, range or choices, where it is stored in
 * Settings) and its validation, shared by the command line and the config
 * file so both accept and refuse the same values with the same words.
 */
#ifndef TCPTOP_OPTION_H
#define TCPTOP_OPTION_H

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
   const char* name;
   char shortName;
   OptionType type;
   const char* argName;
   size_t offset;
   size_t countOffset;
   double min, max;
   const char* const* choices;   /* NULL-terminated */
   const char* help;
} OptionEntry;

/* "a, b, c" */
char* Option_choiceList(const char* const* choices);

/*
 * Checks `arg` for the option's type and stores it in the structure at base
 * (Settings). Returns 0, or -1 with *why saying what is valid ("must be a
 * number from 0.05 to 3600", "valid values are text, csv, json").
 */
int Option_store(void* base, const OptionEntry* o, const char* arg, char** why);

/* The stored value as text that Option_store accepts back ("" for no string). */
void Option_format(const void* base, const OptionEntry* o, Buf* out);

#endif
