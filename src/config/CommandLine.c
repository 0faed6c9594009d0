/*
 * CommandLine.c: the option table's command-line entries, parsed by one
 * handler (getopt_long), and --help made from them.
 */
#include "config.h"
#include "config/CommandLine.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "config/Option.h"
#include "core/XUtils.h"

/* The help's left column: "  -d, --delay SECONDS" padded to this width. */
enum { COMMANDLINE_LEFT = 31, COMMANDLINE_WIDTH = 79 };

/* One option of --help: its names, then its help wrapped beside them. */
static void CommandLine_usageEntry(Buf* out, const OptionEntry* o) {
   char left[64];
   if (o->shortName)
      snprintf(left, sizeof(left), "  -%c, --%s", o->shortName, o->name);
   else
      snprintf(left, sizeof(left), "      --%s", o->name);
   if (o->argName)
      snprintf(left + strlen(left), sizeof(left) - strlen(left), " %s", o->argName);
   Buf_printf(out, "%-*s", COMMANDLINE_LEFT - 1, left);
   if (strlen(left) >= COMMANDLINE_LEFT - 1)
      Buf_printf(out, "\n%*s", COMMANDLINE_LEFT - 1, "");
   char* help = Option_describe(o, false);
   char indent[COMMANDLINE_LEFT + 1];
   memset(indent, ' ', COMMANDLINE_LEFT);
   indent[COMMANDLINE_LEFT] = '\0';
   Buf_appendStr(out, " ");
   Option_wrap(out, help, COMMANDLINE_WIDTH - COMMANDLINE_LEFT, indent);
   free(help);
}

void CommandLine_usage(FILE* out) {
   fprintf(out, "Usage: tcptop [OPTION]...\n"
                "Live per-connection TCP and UDP statistics from eBPF probes compiled at start-up.\n\n");
   size_t n;
   const OptionEntry* options = Settings_options(&n);
   Buf b;
   Buf_init(&b);
   for (size_t i = 0; i < n; i++) {
      if (options[i].name)
         CommandLine_usageEntry(&b, &options[i]);
   }
   fputs(Buf_cstr(&b), out);
   Buf_done(&b);
   fprintf(out, "\nProbes: built-in ones, then %s/tcptop/probes.d, then each --probe-dir.\n"
                "Config: %s/tcptop/tcptop.conf, then ~/.config/tcptop/tcptop.conf\n"
                "($XDG_CONFIG_HOME), then -c FILE; options on the command line win.\n"
                "See tcptop(8).\n", SYSCONFDIR, SYSCONFDIR);
}

static int CommandLine_store(Settings* s, const OptionEntry* o, const char* arg, char** err) {
   char* why = NULL;
   if (Option_store(s, o, arg, &why) == 0)
      return 0;
   *err = xAsprintf("invalid value '%s' for --%s: %s", arg, o->name, why);
   free(why);
   return -1;
}

/* getopt_long's tables from the entries with a name; an option's value is
 * 256 + its index in the option table. */
static void CommandLine_getoptTables(const OptionEntry* options, size_t n, struct option* longOpts, char* shortOpts) {
   size_t nLong = 0;
   strcpy(shortOpts, ":");
   for (size_t i = 0; i < n; i++) {
      const OptionEntry* o = &options[i];
      if (!o->name)
         continue;
      bool arg = o->type != OPT_FLAG;
      longOpts[nLong++] = (struct option){ o->name, arg ? required_argument : no_argument, NULL, 256 + (int)i };
      if (o->shortName) {
         size_t l = strlen(shortOpts);
         shortOpts[l] = o->shortName;
         strcpy(shortOpts + l + 1, arg ? ":" : "");
      }
   }
   longOpts[nLong] = (struct option){ 0 };
}

/* The entry getopt_long returned `c` for, or NULL. */
static const OptionEntry* CommandLine_entry(const OptionEntry* options, size_t n, int c) {
   if (c >= 256 && (size_t)(c - 256) < n)
      return &options[c - 256];
   for (size_t i = 0; i < n; i++) {
      if (options[i].name && options[i].shortName == c)
         return &options[i];
   }
   return NULL;
}

int CommandLine_parse(Settings* settings, int argc, char** argv, char** err) {
   size_t n;
   const OptionEntry* options = Settings_options(&n);
   struct option* longOpts = xCalloc(n + 1, sizeof(*longOpts));
   char* shortOpts = xCalloc(3 * n + 2, 1);
   CommandLine_getoptTables(options, n, longOpts, shortOpts);
   opterr = 0;
   optind = 1;
   int rc = 0;
   for (int c; rc == 0 && (c = getopt_long(argc, argv, shortOpts, longOpts, NULL)) != -1;) {
      const OptionEntry* o = c == '?' || c == ':' ? NULL : CommandLine_entry(options, n, c);
      if (!o) {
         *err = xAsprintf("%s '%s'; try 'tcptop --help'", c == ':' ? "missing argument for" : "unknown option",
                          argv[optind - 1]);
         rc = -1;
      } else {
         rc = CommandLine_store(settings, o, optarg, err);
      }
   }
   if (rc == 0 && optind < argc) {
      *err = xAsprintf("unexpected argument '%s'; try 'tcptop --help'", argv[optind]);
      rc = -1;
   }
   free(longOpts);
   free(shortOpts);
   return rc;
}
