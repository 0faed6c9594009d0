/*
 * CommandLine.c: the option table and its one parser (getopt_long).
 */
#include "config.h"
#include "CommandLine.h"

#include <getopt.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "XUtils.h"

typedef enum OptionType_ {
   OPT_FLAG,          /* bool */
   OPT_STRING,        /* char* */
   OPT_STRING_LIST,   /* char** at offset, int count at countOffset */
} OptionType;

typedef struct OptionEntry_ {
   const char* name;
   char shortName;
   OptionType type;
   const char* argName;
   size_t offset;
   size_t countOffset;
   const char* help;
} OptionEntry;

#define OFF(field) offsetof(Settings, field)

static const OptionEntry CommandLine_options[] = {
   { .name = "help", .shortName = 'h', .type = OPT_FLAG, .offset = OFF(help),
     .help = "show this help and exit" },
   { .name = "version", .shortName = 'V', .type = OPT_FLAG, .offset = OFF(version),
     .help = "show the version and exit" },
   { .name = "list-probes", .type = OPT_FLAG, .offset = OFF(listProbes),
     .help = "list the probes, where they come from, and their status on this kernel" },
   { .name = "probe-dir", .type = OPT_STRING_LIST, .argName = "DIR", .offset = OFF(probeDirs),
     .countOffset = OFF(nProbeDirs),
     .help = "also load the probes in DIR (repeatable; later ones override by name)" },
   { .name = "cache-dir", .type = OPT_STRING, .argName = "DIR", .offset = OFF(cacheDir),
     .help = "keep compiled probes in DIR (default /var/cache/tcptop as root)" },
   { .name = "no-cache", .type = OPT_FLAG, .offset = OFF(noCache),
     .help = "compile every probe, neither reading nor writing the cache" },
};

void Settings_init(Settings* this) {
   memset(this, 0, sizeof(*this));
}

void Settings_done(Settings* this) {
   free(this->cacheDir);
   for (int i = 0; i < this->nProbeDirs; i++)
      free(this->probeDirs[i]);
   free(this->probeDirs);
   memset(this, 0, sizeof(*this));
}

void CommandLine_usage(FILE* out) {
   fprintf(out, "Usage: tcptop [OPTION]...\n"
                "Live per-connection TCP and UDP statistics from eBPF probes compiled at start-up.\n\n");
   for (size_t i = 0; i < ARRAY_SIZE(CommandLine_options); i++) {
      const OptionEntry* o = &CommandLine_options[i];
      char left[64];
      snprintf(left, sizeof(left), "%s%c%s--%s%s%s", o->shortName ? "-" : "", o->shortName ? o->shortName : ' ',
               o->shortName ? ", " : "  ", o->name, o->argName ? " " : "", o->argName ? o->argName : "");
      fprintf(out, "  %-28s %s\n", o->shortName ? left : left + 1, o->help);
   }
   fprintf(out, "\nProbes: built-in ones, then %s/tcptop/probes.d, then each --probe-dir.\n"
                "See tcptop(8).\n", SYSCONFDIR);
}

static void CommandLine_store(Settings* s, const OptionEntry* o, const char* arg) {
   char* base = (char*)s + o->offset;
   switch (o->type) {
   case OPT_FLAG:
      *(bool*)base = true;
      break;
   case OPT_STRING:
      free(*(char**)base);
      *(char**)base = xStrdup(arg);
      break;
   case OPT_STRING_LIST: {
      char*** list = (char***)base;
      int* count = (int*)((char*)s + o->countOffset);
      *list = xRealloc(*list, sizeof(char*) * (size_t)(*count + 1));
      (*list)[(*count)++] = xStrdup(arg);
      break;
   }
   }
}

int CommandLine_parse(Settings* settings, int argc, char** argv) {
   enum { N = ARRAY_SIZE(CommandLine_options) };
   struct option longOpts[N + 1];
   char shortOpts[2 * N + 2] = ":";
   for (size_t i = 0; i < N; i++) {
      const OptionEntry* o = &CommandLine_options[i];
      longOpts[i] = (struct option){ o->name, o->type == OPT_FLAG ? no_argument : required_argument, NULL, 256 + (int)i };
      if (o->shortName) {
         size_t l = strlen(shortOpts);
         shortOpts[l] = o->shortName;
         shortOpts[l + 1] = '\0';
         if (o->type != OPT_FLAG)
            strcat(shortOpts, ":");
      }
   }
   longOpts[N] = (struct option){ 0 };
   opterr = 0;
   optind = 1;
   for (int c; (c = getopt_long(argc, argv, shortOpts, longOpts, NULL)) != -1;) {
      if (c == '?' || c == ':') {
         const char* bad = argv[optind - 1];
         XUtils_error("%s '%s'; try 'tcptop --help'", c == '?' ? "unknown option" : "missing argument for", bad);
         return -1;
      }
      for (size_t i = 0; i < N; i++) {
         if (c == 256 + (int)i || c == CommandLine_options[i].shortName)
            CommandLine_store(settings, &CommandLine_options[i], optarg);
      }
   }
   if (optind < argc) {
      XUtils_error("unexpected argument '%s'; try 'tcptop --help'", argv[optind]);
      return -1;
   }
   return 0;
}
