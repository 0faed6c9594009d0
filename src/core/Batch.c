/*
 * Batch.c: the -b view, Output on standard output.
 */
#include "config.h"
#include "core/Batch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/Output.h"
#include "core/XUtils.h"

/* One sample, printed; 0, 1 to stop quietly (| head), or -1 with *err. */
static int Batch_step(Monitor* m, Output* out, char** err) {
   if (Monitor_sample(m, err) < 0)
      return -1;
   bool grouped = m->groups.key != GROUP_NONE;
   int rc = Output_interval(out, grouped ? m->groups.rows : m->rows, grouped ? m->groups.nRows : m->nRows,
                            &m->summary, &m->ctx);
   Monitor_shown(m, m->rows, m->nRows);
   if (rc == EPIPE)
      return 1;   /* the reader went away: stop quietly */
   if (rc) {
      *err = xAsprintf("cannot write to standard output: %s", strerror(rc));
      return -1;
   }
   return 0;
}

int Batch_run(Monitor* m) {
   Output out;
   ColumnList groupColumns;
   if (m->groups.key != GROUP_NONE)
      Groups_columns(m->groups.key, &groupColumns);
   Output_init(&out, stdout, (OutputFormat)m->settings->format,
               m->groups.key != GROUP_NONE ? &groupColumns : &m->columns);
   out.rowsName = m->groups.key != GROUP_NONE ? "groups" : "connections";
   int iterations = m->settings->iterations, printed = 0;
   char* err = NULL;
   int st = Batch_step(m, &out, &err);
   for (printed = 1; st == 0 && !Monitor_stopping() && !Monitor_ended(m) &&
                      (!iterations || printed < iterations); printed++) {
      if (Monitor_wait(m, &err) < 0)
         st = -1;
      else
         st = Batch_step(m, &out, &err);
   }
   if (st < 0) {
      XUtils_error("%s", err);
      free(err);
      return 1;
   }
   return 0;
}

/* Headless (--listen without -b and without a terminal): samples for the
 * hook only, printing nothing but errors, until a signal. */
int Batch_serve(Monitor* m) {
   char* err = NULL;
   int st = Monitor_sample(m, &err);
   while (st == 0 && !Monitor_stopping() && !Monitor_ended(m)) {
      Monitor_shown(m, m->rows, m->nRows);
      st = Monitor_wait(m, &err);
      if (st == 0 && !Monitor_stopping())
         st = Monitor_sample(m, &err);
   }
   if (st < 0) {
      XUtils_error("%s", err);
      free(err);
      return 1;
   }
   return 0;
}
