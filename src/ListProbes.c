/*
 * ListProbes.c: name, origin, status, hooks, description; details indented.
 */
#include "config.h"
#include "ListProbes.h"

#include <string.h>

static void ListProbes_hooks(const Probe* p, char* out, size_t size) {
   out[0] = '\0';
   for (int i = 0; i < p->meta.nHooks; i++) {
      if (i)
         strncat(out, ",", size - strlen(out) - 1);
      strncat(out, p->meta.hooks[i], size - strlen(out) - 1);
   }
   if (!out[0])
      strncat(out, "-", size - 1);
}

static void ListProbes_details(FILE* out, const char* text) {
   for (const char* line = text; line && *line;) {
      const char* nl = strchr(line, '\n');
      int len = nl ? (int)(nl - line) : (int)strlen(line);
      fprintf(out, "    %.*s\n", len, line);
      line = nl ? nl + 1 : NULL;
   }
}

void ListProbes_print(FILE* out, const ProbeSet* set, bool loadChecked) {
   int nameW = 4, hookW = 5;
   char hooks[512];
   for (int i = 0; i < set->count; i++) {
      const Probe* p = set->probes[i];
      ListProbes_hooks(p, hooks, sizeof(hooks));
      nameW = (int)strlen(p->name) > nameW ? (int)strlen(p->name) : nameW;
      hookW = (int)strlen(hooks) > hookW ? (int)strlen(hooks) : hookW;
   }
   fprintf(out, "%-*s  %-8s  %-17s  %-*s  %s\n", nameW, "NAME", "ORIGIN", "STATUS", hookW, "HOOKS", "DESCRIPTION");
   for (int i = 0; i < set->count; i++) {
      const Probe* p = set->probes[i];
      ListProbes_hooks(p, hooks, sizeof(hooks));
      fprintf(out, "%-*s  %-8s  %-17s  %-*s  %s\n", nameW, p->name, Probe_originName(p->origin),
              Probe_statusName(p->status), hookW, hooks, p->meta.description ? p->meta.description : "-");
      if (p->message && (Probe_failed(p) || p->status == PROBE_PENDING))
         ListProbes_details(out, p->message);
   }
   if (set->count == 0)
      fprintf(out, "(no probes found)\n");
   if (!loadChecked)
      fprintf(out, "note: only compiled; loading into the kernel and attaching need root: sudo tcptop --list-probes\n");
}
