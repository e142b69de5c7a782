/* Copy progress on the terminal and in the log. */
#include "progress.h"
#include "clock.h"
#include "log.h"

#include <stdio.h>
#include <unistd.h>

void
progress_start (struct progress *p, const char *label, int64_t total)
{
  p->label = label;
  p->total = total;
  p->done = 0;
  p->start = p->last_print = clock_now ();
  p->last_decile = 0;
  p->tty = isatty (2);
}

static void
print_line (struct progress *p, double now, bool final)
{
  double el = now - p->start, rate = el > 0 ? p->done / el : 0;
  double pct = p->total ? 100.0 * p->done / p->total : 100;
  long eta = rate > 0 ? (long) ((p->total - p->done) / rate) : 0;

  fprintf (stderr, "\r%s: %5.1f%%  %.1f/%.1f MiB  %.1f MiB/s  ETA %ld:%02ld%s", p->label, pct,
           p->done / 1048576.0, p->total / 1048576.0, rate / 1048576.0, eta / 60, eta % 60,
           final ? "\n" : "  ");
  fflush (stderr);
}

void
progress_add (struct progress *p, int64_t bytes)
{
  double now;
  int decile;

  p->done += bytes;
  now = clock_now ();
  if (p->tty && now - p->last_print >= 0.5) {
    print_line (p, now, false);
    p->last_print = now;
  }
  decile = p->total ? (int) (10 * p->done / p->total) : 10;
  if (decile > p->last_decile && decile < 10) {
    double el = now - p->start;
    log_debug ("%s: %d%% (%.1f MiB, %.1f MiB/s)", p->label, decile * 10, p->done / 1048576.0,
               el > 0 ? p->done / el / 1048576.0 : 0);
    p->last_decile = decile;
  }
}

double
progress_finish (struct progress *p)
{
  double now = clock_now ();

  if (p->tty)
    print_line (p, now, true);
  return now - p->start;
}
