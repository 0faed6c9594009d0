/*
 * bpf/ProbeSettings.c: .rodata variables through the object's BTF.
 */
#include "config.h"
#include "bpf/ProbeSettings.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "core/XUtils.h"
#include "../probes/tcptop.h"

#define PROBESETTINGS_METRIC_PREFIX "tcptop_metric_"

_Static_assert((int)PROBE_METRIC_SUM == (int)TCPTOP_AGG_SUM && (int)PROBE_METRIC_MAX == (int)TCPTOP_AGG_MAX &&
               (int)PROBE_METRIC_LAST == (int)TCPTOP_AGG_LAST, "ProbeMetricAgg must match enum tcptop_metric_agg");

/* Called for each global integer variable of .rodata, with its bytes. */
typedef void (*ProbeSettings_visit)(void* ctx, const char* name, bool isSigned, void* data, int size);
/* Called for each metric declaration (struct tcptop_metric) of .rodata. */
typedef void (*ProbeSettings_visitMetric)(void* ctx, struct tcptop_metric* metric);

/* A metric declaration: TCPTOP_METRIC's struct, under its prefix. */
static bool ProbeSettings_isMetric(const struct btf* btf, const struct btf_type* t, const char* name, __u32 size) {
   if (!t || !btf_is_struct(t) || size != sizeof(struct tcptop_metric))
      return false;
   const char* type = btf__name_by_offset(btf, t->name_off);
   return type && strcmp(type, "tcptop_metric") == 0 &&
          strncmp(name, PROBESETTINGS_METRIC_PREFIX, strlen(PROBESETTINGS_METRIC_PREFIX)) == 0;
}

/* Walks `data`, a copy of .rodata's initial value (`size` bytes). Metric
 * declarations go to visitMetric (when given), never to visit. */
static void ProbeSettings_walk(struct bpf_object* obj, char* data, size_t size, ProbeSettings_visit visit,
                               ProbeSettings_visitMetric visitMetric, void* ctx) {
   struct btf* btf = bpf_object__btf(obj);
   int id = btf ? btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC) : -1;
   if (id < 0)
      return;   /* no .rodata: no settings */
   const struct btf_type* sec = btf__type_by_id(btf, (__u32)id);
   const struct btf_var_secinfo* vs = btf_var_secinfos(sec);
   for (int i = 0; i < btf_vlen(sec); i++, vs++) {
      const struct btf_type* var = btf__type_by_id(btf, vs->type);
      if (!var || !btf_is_var(var) || btf_var(var)->linkage != BTF_VAR_GLOBAL_ALLOCATED)
         continue;
      int tid = btf__resolve_type(btf, var->type);
      const struct btf_type* t = tid > 0 ? btf__type_by_id(btf, (__u32)tid) : NULL;
      bool sized = vs->size == 1 || vs->size == 2 || vs->size == 4 || vs->size == 8;
      const char* name = btf__name_by_offset(btf, var->name_off);
      if (!t || !name || (size_t)vs->offset + vs->size > size)
         continue;
      if (ProbeSettings_isMetric(btf, t, name, vs->size)) {
         if (visitMetric)
            visitMetric(ctx, (struct tcptop_metric*)(void*)(data + vs->offset));
      } else if (visit && btf_is_int(t) && sized) {
         visit(ctx, name, btf_int_encoding(t) & BTF_INT_SIGNED, data + vs->offset, (int)vs->size);
      }
   }
}

/* A copy of .rodata's initial value, or NULL (no .rodata). */
static char* ProbeSettings_rodata(struct bpf_object* obj, struct bpf_map** map, size_t* size) {
   *map = bpf_object__find_map_by_name(obj, ".rodata");
   const void* data = *map ? bpf_map__initial_value(*map, size) : NULL;
   if (!data)
      return NULL;
   char* copy = xMalloc(*size);
   memcpy(copy, data, *size);
   return copy;
}

static long long ProbeSettings_get(const void* data, int size, bool isSigned) {
   switch (size) {
   case 1: return isSigned ? (long long)*(const int8_t*)data : (long long)*(const uint8_t*)data;
   case 2: return isSigned ? (long long)*(const int16_t*)data : (long long)*(const uint16_t*)data;
   case 4: return isSigned ? (long long)*(const int32_t*)data : (long long)*(const uint32_t*)data;
   default: return *(const long long*)data;
   }
}

static void ProbeSettings_collect(void* ctx, const char* name, bool isSigned, void* data, int size) {
   Probe* probe = ctx;
   if (strncmp(name, PROBESETTINGS_API_PREFIX, strlen(PROBESETTINGS_API_PREFIX)) == 0)
      return;   /* the API's, written by tcptop */
   long long v = ProbeSettings_get(data, size, isSigned);
   ProbeSetting s = { .name = (char*)name, .size = size, .isSigned = isSigned, .defaultValue = v, .value = v };
   Probe_addSetting(probe, &s);
}

/* A fixed-size char array of the declaration as a string. */
static char* ProbeSettings_text(const char* field, size_t size) {
   return xStrndup(field, strnlen(field, size));
}

static void ProbeSettings_collectMetric(void* ctx, struct tcptop_metric* m) {
   Probe* probe = ctx;
   ProbeMetric pm = { .agg = (ProbeMetricAgg)m->agg, .slot = -1 };
   pm.key = ProbeSettings_text(m->key, sizeof(m->key));
   pm.title = ProbeSettings_text(m->title, sizeof(m->title));
   pm.unit = ProbeSettings_text(m->unit, sizeof(m->unit));
   Probe_addMetric(probe, &pm);
   free(pm.key);
   free(pm.title);
   free(pm.unit);
}

static int ProbeSettings_quiet(enum libbpf_print_level level, const char* fmt, va_list args) {
   (void)level; (void)fmt; (void)args;
   return 0;
}

static char* ProbeSettings_read(Probe* probe) {
   libbpf_print_fn_t old = libbpf_set_print(ProbeSettings_quiet);
   LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = probe->name);
   struct bpf_object* obj = bpf_object__open_mem(probe->object, probe->objectLen, &opts);
   int err = errno;
   libbpf_set_print(old);
   if (!obj)
      return xAsprintf("libbpf cannot open the compiled object: %s", strerror(err));
   struct bpf_map* map;
   size_t size = 0;
   char* data = ProbeSettings_rodata(obj, &map, &size);
   if (data)
      ProbeSettings_walk(obj, data, size, ProbeSettings_collect, ProbeSettings_collectMetric, probe);
   free(data);
   bpf_object__close(obj);
   return NULL;
}

typedef struct ProbeSettings_Apply_ {
   const Probe* probe;
   const ProbeLimits* limits;
   int written;
   int metric;          /* metrics are in declaration order, as read */
} ProbeSettings_Apply;

static void ProbeSettings_write(void* ctx, const char* name, bool isSigned, void* data, int size) {
   ProbeSettings_Apply* a = ctx;
   (void)isSigned;
   if (size == 4 && strcmp(name, "tcptop_max_tcp") == 0) {
      *(uint32_t*)data = a->limits->maxTcp;
      return;
   }
   if (size == 4 && strcmp(name, "tcptop_max_udp") == 0) {
      *(uint32_t*)data = a->limits->maxUdp;
      return;
   }
   const ProbeSetting* s = ProbeSetting_find(a->probe, name);
   if (!s || !s->configured)
      return;
   switch (size) {
   case 1: *(uint8_t*)data = (uint8_t)s->value; break;
   case 2: *(uint16_t*)data = (uint16_t)s->value; break;
   case 4: *(uint32_t*)data = (uint32_t)s->value; break;
   default: *(uint64_t*)data = (uint64_t)s->value; break;
   }
   a->written++;
}

/* Each metric's assigned slot (an unassigned one stays unset: no updates). */
static void ProbeSettings_writeMetric(void* ctx, struct tcptop_metric* m) {
   ProbeSettings_Apply* a = ctx;
   if (a->metric >= a->probe->nMetrics)
      return;
   int slot = a->probe->metrics[a->metric++].slot;
   m->slot = slot >= 0 && slot < TCPTOP_MAX_METRICS ? (__u32)slot : TCPTOP_METRIC_UNSET;
}

int ProbeSettings_apply(struct bpf_object* obj, const Probe* probe, const ProbeLimits* limits, char** err) {
   int wanted = 0;
   for (int i = 0; i < probe->nSettings; i++)
      wanted += probe->settings[i].configured;
   ProbeSettings_Apply a = { probe, limits, 0, 0 };
   struct bpf_map* map;
   size_t size = 0;
   char* data = ProbeSettings_rodata(obj, &map, &size);
   if (data)
      ProbeSettings_walk(obj, data, size, ProbeSettings_write, ProbeSettings_writeMetric, &a);
   int errnum = data && a.written == wanted && bpf_map__set_initial_value(map, data, size) < 0 ? errno : 0;
   free(data);
   if (a.written != wanted) {
      *err = xAsprintf("could not find %d of the probe's configured settings in its .rodata", wanted - a.written);
      return -1;
   }
   if (errnum) {
      *err = xAsprintf("cannot set the probe's settings in its .rodata: %s", strerror(errnum));
      return -1;
   }
   return 0;
}

void ProbeSettings_fill(Probe* probe) {
   if (probe->settingsRead || probe->status != PROBE_COMPILED)
      return;
   probe->settingsRead = true;
   char* why = ProbeSettings_read(probe);
   if (why) {
      Probe_setStatus(probe, PROBE_LOAD_ERROR, why);
      free(why);
   }
}
