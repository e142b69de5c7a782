#ifndef VMIGRATE_COPY_PROGRESS_H
#define VMIGRATE_COPY_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"

/* Thread-safe: one sink per run; the disks copied at once (and their
 * engines' threads) report into it concurrently. */

/* Live progress of the copies of a run, in up to three forms at once:
 *   terminal  one line per disk (bytes done/total, rate, ETA), updated
 *             in place, on stderr when it is a TTY
 *   log       a line per disk every few seconds (log_info)
 *   events    one JSON object per line on a file descriptor
 *             (--progress-fd N, or stderr with --json) */

struct progress_opts {
  bool tty;             /* draw the terminal lines on stderr */
  int events_fd;        /* JSON events here; -1 = none */
  double log_every_s;   /* seconds between log lines per disk; 0 = 5 */
};

struct progress_sink;
struct progress;

/* NULL with err set only when out of memory. */
struct progress_sink *progress_sink_new (const struct progress_opts *o, struct vmerr *err);
void progress_sink_free (struct progress_sink *s);

/* A copy begins: LABEL ("disk 2000"), PHASE ("copy", "zero", "verify"),
 * TOTAL bytes.  S may be NULL (no progress anywhere); returns NULL then,
 * and every call below accepts NULL. */
struct progress *progress_begin (struct progress_sink *s, const char *label, const char *phase,
                                 int64_t total);
void progress_add (struct progress *p, int64_t bytes);
/* The copy ended (OK false: it failed or stopped); frees P. */
void progress_end (struct progress *p, bool ok);

#endif
