/*
 * Option.c: typed value checks and storage for the option table, and the
 * help text made from an entry.
 */
#include "config.h"
#include "config/Option.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char* Option_choiceList(const char* const* choices) {
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
      *(char**)base = o->emptyIsNone && !arg[0] ? NULL : xStrdup(arg);
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
      if (*(char* const*)base)
         Buf_appendStr(out, *(char* const*)base);
      else if (o->defaultText)
         o->defaultText(out);
      break;
   case OPT_STRING_LIST:
      break;
   }
}

char* Option_defaultText(const OptionEntry* o) {
   if (o->def)
      return xStrdup(o->def);
   if (o->defaultNote)
      return xStrdup(o->defaultNote);
   if (o->type == OPT_CHOICE_SET || o->emptyIsNone)
      return xStrdup("none");
   if (!o->defaultText)
      return NULL;
   Buf b;
   Buf_init(&b);
   o->defaultText(&b);
   return Buf_cstr(&b);
}

/* "0.05 to 3600", "one of text, csv, json", "empty for none", or nothing. */
static void Option_describeValues(const OptionEntry* o, Buf* out) {
   char* list = o->choices ? Option_choiceList(o->choices) : NULL;
   if (o->type == OPT_INT)
      Buf_printf(out, "%.0f to %.0f", o->min, o->max);
   else if (o->type == OPT_DOUBLE)
      Buf_printf(out, "%g to %g", o->min, o->max);
   else if (o->type == OPT_CHOICE)
      Buf_printf(out, "one of %s", list);
   else if (o->type == OPT_CHOICE_SET)
      Buf_printf(out, "a comma-separated list of %s, or empty for none", list);
   else if (o->emptyIsNone)
      Buf_appendStr(out, "empty for none");
   free(list);
}

char* Option_describe(const OptionEntry* o, bool alsoName) {
   Buf parts;
   Buf_init(&parts);
   Option_describeValues(o, &parts);
   char* def = Option_defaultText(o);
   if (def)
      Buf_printf(&parts, "%sdefault %s", parts.len ? "; " : "", def);
   free(def);
   if (alsoName && o->name && o->shortName)
      Buf_printf(&parts, "%slike -%c", parts.len ? "; " : "", o->shortName);
   else if (alsoName && o->name)
      Buf_printf(&parts, "%slike --%s", parts.len ? "; " : "", o->name);
   char* text = parts.len ? xAsprintf("%s (%s)", o->help, Buf_cstr(&parts)) : xStrdup(o->help);
   Buf_done(&parts);
   return text;
}

/* The length of the next line of at most width characters of p. */
static size_t Option_lineLength(const char* p, size_t width) {
   size_t n = strlen(p);
   if (n <= width)
      return n;
   for (size_t i = width; i > width / 4; i--) {
      if (p[i] == ' ' || p[i - 1] == ',')
         return i;
   }
   return width;
}

void Option_wrap(Buf* out, const char* text, size_t width, const char* indent) {
   const char* p = text;
   for (bool first = true; *p; first = false) {
      size_t n = Option_lineLength(p, width);
      Buf_printf(out, "%s%.*s\n", first ? "" : indent, (int)n, p);
      p += n;
      while (*p == ' ')
         p++;
   }
}
