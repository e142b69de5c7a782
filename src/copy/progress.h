#ifndef VMIGRATE_COPY_PROGRESS_H
#define VMIGRATE_COPY_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

/* Not thread-safe: one struct progress per copy; the engine's writer
 * threads update it under the engine's lock. */

/* Progress of one copy: a live line (bytes, rate, ETA) on a terminal,
 * and a line in the log every 10%. */

struct progress {
  const char *label;    /* e.g. "disk 2000" */
  int64_t total;        /* bytes to do */
  int64_t done;         /* bytes done */
  double start;         /* monotonic seconds at start */
  double last_print;    /* last terminal update */
  int last_decile;      /* last 10% step logged */
  bool tty;             /* stderr is a terminal */
};

void progress_start (struct progress *p, const char *label, int64_t total);
void progress_add (struct progress *p, int64_t bytes);
/* Final line; returns the elapsed seconds. */
double progress_finish (struct progress *p);


#endif
