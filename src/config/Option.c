/*
 * Option.c: typed value checks and storage for the option tables.
 */
#include "config.h"
#include "config/Option.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char* Option_choiceList(const char* const* choices) {
   Buf b;
   Buf_init(&b);
   for (int i = 0; choices[i]; i++)
      Buf_printf(&b, "%s%s", i ? ", " : "", choices[i]);
   return Buf_cstr(&b);
}

/* The index of item among the option's choices, or -1. */
static int Option_choiceIndex(const OptionEntry* o, const char* item) {
   for (int i = 0; o->choices[i]; i++) {
      if (strcmp(item, o->choices[i]) == 0)
         return i;
   }
   return -1;
}

/* A number or choice argument; 0, or -1 with *why. */
static int Option_value(const OptionEntry* o, const char* arg, double* number, int* choice, char** why) {
   if (o->type == OPT_CHOICE) {
      *choice = Option_choiceIndex(o, arg);
      if (*choice >= 0)
         return 0;
      char* list = Option_choiceList(o->choices);
      *why = xAsprintf("valid values are %s", list);
      free(list);
      return -1;
   }
   char* end = NULL;
   errno = 0;
   double v = o->type == OPT_INT ? (double)strtoll(arg, &end, 10) : strtod(arg, &end);
   if (errno || end == arg || *end || v != v || v < o->min || v > o->max) {
      if (o->type == OPT_INT)
         *why = xAsprintf("must be a whole number from %.0f to %.0f", o->min, o->max);
      else
         *why = xAsprintf("must be a number from %g to %g", o->min, o->max);
      return -1;
   }
   *number = v;
   return 0;
}

/* "a,b": the bits of those choices; 0, or -1 with *why. */
static int Option_set(const OptionEntry* o, const char* arg, unsigned* bits, char** why) {
   char* copy = xStrdup(arg);
   char* save = NULL;
   *bits = 0;
   for (char* item = strtok_r(copy, ", \t", &save); item; item = strtok_r(NULL, ", \t", &save)) {
      int i = Option_choiceIndex(o, item);
      if (i < 0) {
         char* list = Option_choiceList(o->choices);
         *why = xAsprintf("'%s' is not one of %s (a comma-separated list, or empty for none)", item, list);
         free(list);
         free(copy);
         return -1;
      }
      *bits |= 1u << i;
   }
   free(copy);
   return 0;
}

int Option_store(void* settings, const OptionEntry* o, const char* arg, char** why) {
   char* base = (char*)settings + o->offset;
   double number = 0;
   int choice = 0;
   if ((o->type == OPT_INT || o->type == OPT_DOUBLE || o->type == OPT_CHOICE) &&
       Option_value(o, arg, &number, &choice, why) < 0)
      return -1;
   switch (o->type) {
   case OPT_INT:
      *(int*)base = (int)number;
      break;
   case OPT_DOUBLE:
      *(double*)base = number;
      break;
   case OPT_CHOICE:
      *(int*)base = choice;
      break;
   case OPT_CHOICE_SET:
      return Option_set(o, arg, (unsigned*)base, why);
   case OPT_FLAG:
      *(bool*)base = true;
      break;
   case OPT_STRING:
      free(*(char**)base);
      *(char**)base = xStrdup(arg);
      break;
   case OPT_STRING_LIST: {
      char*** list = (char***)base;
      int* count = (int*)((char*)settings + o->countOffset);
      *list = xRealloc(*list, sizeof(char*) * (size_t)(*count + 1));
      (*list)[(*count)++] = xStrdup(arg);
      break;
   }
   }
   return 0;
}

void Option_format(const void* settings, const OptionEntry* o, Buf* out) {
   const char* base = (const char*)settings + o->offset;
   switch (o->type) {
   case OPT_INT:
      Buf_printf(out, "%d", *(const int*)base);
      break;
   case OPT_DOUBLE: {
      /* the shortest text (from 6 digits: no 3e+01) that reads back the same */
      double v = *(const double*)base;
      char text[32];
      for (int digits = 6; digits <= 17; digits++) {
         snprintf(text, sizeof(text), "%.*g", digits, v);
         if (strtod(text, NULL) == v)
            break;
      }
      Buf_appendStr(out, text);
      break;
   }
   case OPT_CHOICE:
      Buf_appendStr(out, o->choices[*(const int*)base]);
      break;
   case OPT_CHOICE_SET:
      for (int i = 0, n = 0; o->choices[i]; i++) {
         if (*(const unsigned*)base & (1u << i))
            Buf_printf(out, "%s%s", n++ ? "," : "", o->choices[i]);
      }
      break;
   case OPT_FLAG:
      Buf_appendStr(out, *(const bool*)base ? "on" : "off");
      break;
   case OPT_STRING:
      Buf_appendStr(out, *(char* const*)base ? *(char* const*)base : "");
      break;
   case OPT_STRING_LIST:
      break;
   }
}
