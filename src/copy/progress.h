#ifndef VMIGRATE_COPY_PROGRESS_H
#define VMIGRATE_COPY_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"

/* Thread-safe: one sink per run; the disks copied at once (and their
 * engines' threads) report into it concurrently. */

/* Live progress of the copies of a run, in up to three forms at once:
 *   terminal  one line per active copy (percent, MiB done/total, the rate
 *             over the last 5 s, ETA), redrawn in place 4 times a second
 *             on stderr when it is a TTY (log.c's status block: log lines
 *             go above it); a finished copy leaves a final line above it
 *   log       per copy a begin line, a line every log_every_s, an end
 *             line (bytes, seconds, average rate): info lines, or debug
 *             lines when the terminal block shows the same
 *   events    one JSON object per line on a file descriptor (--progress-fd
 *             N, or stderr with --json), each in one write(2):
 *               {"event":"begin"|"progress"|"end","label":"disk 2000",
 *                "phase":"copy","done":BYTES,"total":BYTES,
 *                "rate":BYTES_PER_S,"eta_s":S|null,"time":UNIX_S}
 *             "end" adds "ok":BOOL and "seconds":S, with rate the average
 *             over the copy; "progress" at most once a second per copy
 *             (every log_every_s if shorter).  A write that fails (EPIPE:
 *             the reader is gone; SIGPIPE is ignored by interrupt_install)
 *             is warned about once and the events stop; the copy goes on.
 * progress_add is one atomic add: a slow terminal or event reader never
 * holds up a copy; a thread of the sink does the periodic output. */

struct progress_opts {
  bool tty;             /* draw the terminal lines on stderr */
  int events_fd;        /* JSON events here; -1 = none */
  double log_every_s;   /* seconds between log lines per copy; 0 = the
                           VMIGRATE_PROGRESS_INTERVAL environment variable
                           (seconds, fractions allowed), else 5 */
};

struct progress_sink;
struct progress;

/* NULL with err set when out of memory or no thread can be started.
 * Sets FD_CLOEXEC on events_fd (above 2): the programs a run starts do not
 * hold it open. */
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
