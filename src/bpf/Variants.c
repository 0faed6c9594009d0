/*
 * bpf/Variants.c: picking each @variants group's alternative.
 */
#include "config.h"
#include "bpf/Variants.h"

#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#define VARIANTS_NONE "-"

static void VariantGroup_add(VariantGroup* g, const char* alt) {
   g->alts = xRealloc(g->alts, sizeof(char*) * (size_t)(g->nAlts + 1));
   g->alts[g->nAlts++] = xStrdup(alt);
}

/* One @variants line: alternatives separated by commas or blanks. */
static char* Variants_parseLine(VariantGroup* g, const char* line) {
   char* copy = xStrdup(line);
   char* save = NULL;
   char* why = NULL;
   for (char* alt = strtok_r(copy, ", \t", &save); alt && !why; alt = strtok_r(NULL, ", \t", &save)) {
      bool none = strcmp(alt, VARIANTS_NONE) == 0;
      if (g->nAlts > 0 && strcmp(g->alts[g->nAlts - 1], VARIANTS_NONE) == 0)
         why = xAsprintf("@variants %s: '-' (run nothing) can only be the last alternative", line);
      else if (!none && (alt[0] == '+' || alt[strlen(alt) - 1] == '+' || strstr(alt, "++")))
         why = xAsprintf("@variants %s: '%s' is not NAME or NAME+NAME...", line, alt);
      else
         VariantGroup_add(g, alt);
   }
   free(copy);
   if (!why && (g->nAlts == 0 || (g->nAlts == 1 && strcmp(g->alts[0], VARIANTS_NONE) == 0)))
      why = xAsprintf("@variants %s: names no program", line);
   return why;
}

int Variants_parse(Variants* this, const ProbeMeta* meta, char** err) {
   memset(this, 0, sizeof(*this));
   Buf_init(&this->skipped);
   if (meta->nVariants == 0)
      return 0;
   this->groups = xCalloc((size_t)meta->nVariants, sizeof(VariantGroup));
   this->n = meta->nVariants;
   for (int i = 0; i < this->n; i++) {
      char* why = Variants_parseLine(&this->groups[i], meta->variants[i]);
      if (why) {
         *err = why;
         return -1;
      }
   }
   return 0;
}

void Variants_done(Variants* this) {
   for (int i = 0; i < this->n; i++) {
      for (int a = 0; a < this->groups[i].nAlts; a++)
         free(this->groups[i].alts[a]);
      free(this->groups[i].alts);
   }
   free(this->groups);
   Buf_done(&this->skipped);
   memset(this, 0, sizeof(*this));
}

typedef bool (*Variants_visit)(struct bpf_program* prog, void* ctx);

/*
 * Calls visit for each program of an alternative, until it returns false.
 * -1 when a name is no program of obj (*missing: that name), 0 when a visit
 * stopped, 1 when all were visited.
 */
static int Variants_each(struct bpf_object* obj, const char* alt, Variants_visit visit, void* ctx, char** missing) {
   if (strcmp(alt, VARIANTS_NONE) == 0)
      return 1;
   char* copy = xStrdup(alt);
   char* save = NULL;
   int rc = 1;
   for (char* name = strtok_r(copy, "+", &save); name && rc == 1; name = strtok_r(NULL, "+", &save)) {
      struct bpf_program* prog = bpf_object__find_program_by_name(obj, name);
      if (!prog) {
         if (missing)
            *missing = xStrdup(name);
         rc = -1;
      } else if (!visit(prog, ctx)) {
         rc = 0;
      }
   }
   free(copy);
   return rc;
}

static bool Variants_off(struct bpf_program* prog, void* ctx) {
   (void)ctx;
   bpf_program__set_autoload(prog, false);
   return true;
}

static bool Variants_on(struct bpf_program* prog, void* ctx) {
   (void)ctx;
   bpf_program__set_autoload(prog, true);
   return true;
}

typedef struct VariantsCheck_ {
   Hooks* hooks;
   char* why;
} VariantsCheck;

static bool Variants_canRun(struct bpf_program* prog, void* ctx) {
   VariantsCheck* c = ctx;
   return Hooks_check(c->hooks, prog, &c->why) == 0;
}

static void Variants_note(Variants* this, const char* why) {
   Buf_printf(&this->skipped, "%s%s", this->skipped.len ? "; " : "", why);
}

/* The group's alternative from its pick on that can run: autoload set. */
static char* Variants_chooseGroup(Variants* this, VariantGroup* g, struct bpf_object* obj, Hooks* hooks,
                                  ProbeStatus* status) {
   char* missing = NULL;
   for (int a = 0; a < g->nAlts; a++) {
      if (Variants_each(obj, g->alts[a], Variants_off, NULL, &missing) < 0) {
         *status = PROBE_BAD_METADATA;
         char* why = xAsprintf("@variants names %s, which is no program of this probe", missing);
         free(missing);
         return why;
      }
   }
   if (g->pick == 0)
      g->noteStart = this->skipped.len;
   for (; g->pick < g->nAlts; g->pick++) {
      VariantsCheck c = { hooks, NULL };
      if (Variants_each(obj, g->alts[g->pick], Variants_canRun, &c, NULL) == 1) {
         Variants_each(obj, g->alts[g->pick], Variants_on, NULL, NULL);
         return NULL;
      }
      Variants_note(this, c.why);
      free(c.why);
   }
   *status = PROBE_HOOK_UNAVAILABLE;
   return xAsprintf("no variant can run on this kernel: %s", Buf_cstr(&this->skipped) + g->noteStart);
}

static bool Variants_isNot(struct bpf_program* prog, void* ctx) {
   return strcmp(bpf_program__name(prog), ctx) != 0;
}

/* Does the alternative hold prog? (A visit stopped at it.) */
static bool Variants_holds(struct bpf_object* obj, const char* alt, const struct bpf_program* prog) {
   return Variants_each(obj, alt, Variants_isNot, (void*)bpf_program__name(prog), NULL) == 0;
}

/* Is prog one of a group's programs (any alternative)? */
static bool Variants_grouped(const Variants* this, struct bpf_object* obj, const struct bpf_program* prog) {
   for (int i = 0; i < this->n; i++) {
      for (int a = 0; a < this->groups[i].nAlts; a++) {
         if (Variants_holds(obj, this->groups[i].alts[a], prog))
            return true;
      }
   }
   return false;
}

int Variants_choose(Variants* this, struct bpf_object* obj, Hooks* hooks, ProbeStatus* status, char** err) {
   for (int i = 0; i < this->n; i++) {
      char* why = Variants_chooseGroup(this, &this->groups[i], obj, hooks, status);
      if (why) {
         *err = why;
         return -1;
      }
   }
   struct bpf_program* prog;
   bpf_object__for_each_program(prog, obj) {
      if (!bpf_program__autoload(prog) || Variants_grouped(this, obj, prog))
         continue;
      if (Hooks_check(hooks, prog, err) < 0) {
         *status = PROBE_HOOK_UNAVAILABLE;
         return -1;
      }
   }
   return 0;
}

bool Variants_reject(Variants* this, struct bpf_object* obj, const struct bpf_program* prog, const char* why) {
   for (int i = 0; i < this->n; i++) {
      VariantGroup* g = &this->groups[i];
      if (g->pick >= g->nAlts || !Variants_holds(obj, g->alts[g->pick], prog))
         continue;
      const char* nl = strchr(why, '\n');
      char* line = xStrndup(why, nl ? (size_t)(nl - why) : strlen(why));
      Variants_note(this, line);
      free(line);
      g->pick++;
      return g->pick < g->nAlts;
   }
   return false;
}
