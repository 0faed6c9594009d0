/*
 * Batch.c: the -b view, Output on standard output.
 */
#include "config.h"
#include "core/Batch.h"

#include <errno.h>

#include "core/Output.h"

/* One sample, printed; 0, 1 to stop quietly (| head), -1 on errors. */
static int Batch_step(Monitor* m, Output* out) {
   if (Monitor_sample(m) < 0)
      return -1;
   int rc = Output_interval(out, m->rows, m->nRows, &m->summary, &m->ctx);
   Monitor_shown(m, m->rows, m->nRows);
   if (rc == EPIPE)
      return 1;   /* the reader went away: stop quietly */
   return rc ? -1 : 0;
}

int Batch_run(Monitor* m) {
   Output out;
   Output_init(&out, stdout, (OutputFormat)m->settings->format, &m->columns);
   int iterations = m->settings->iterations, printed = 0;
   int st = Batch_step(m, &out);
   for (printed = 1; st == 0 && !Monitor_stopping() && !Monitor_ended(m) &&
                      (!iterations || printed < iterations); printed++) {
      if (Monitor_wait(m) < 0)
         st = -1;
      else
         st = Batch_step(m, &out);
   }
   return st < 0 ? 1 : 0;
}
