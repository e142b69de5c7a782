/* Copy progress on the terminal, in the log and as JSON events. */
#include "progress.h"
#include "clock.h"
#include "log.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct progress_sink {
  pthread_mutex_t lock;
  struct progress_opts o;
};

struct progress {
  struct progress_sink *s;
  char label[64], phase[16];
  int64_t total, done;
  double start, last_log, last_tty;
};

struct progress_sink *
progress_sink_new (const struct progress_opts *o, struct vmerr *err)
{
  struct progress_sink *s = calloc (1, sizeof *s);

  if (s == NULL) {
    vmerr_set (err, VMERR_FAILED, "out of memory");
    return NULL;
  }
  pthread_mutex_init (&s->lock, NULL);
  s->o = *o;
  if (s->o.log_every_s <= 0)
    s->o.log_every_s = 5;
  return s;
}

void
progress_sink_free (struct progress_sink *s)
{
  if (s == NULL)
    return;
  pthread_mutex_destroy (&s->lock);
  free (s);
}

struct progress *
progress_begin (struct progress_sink *s, const char *label, const char *phase, int64_t total)
{
  struct progress *p;

  if (s == NULL || (p = calloc (1, sizeof *p)) == NULL)
    return NULL;
  p->s = s;
  snprintf (p->label, sizeof p->label, "%s", label);
  snprintf (p->phase, sizeof p->phase, "%s", phase);
  p->total = total;
  p->start = p->last_log = p->last_tty = clock_now ();
  return p;
}

static void
tty_line (struct progress *p, double now, bool final)
{
  double el = now - p->start, rate = el > 0 ? p->done / el : 0;
  double pct = p->total ? 100.0 * p->done / p->total : 100;
  long eta = rate > 0 ? (long) ((p->total - p->done) / rate) : 0;

  fprintf (stderr, "\r%s %s: %5.1f%%  %.1f/%.1f MiB  %.1f MiB/s  ETA %ld:%02ld%s", p->label,
           p->phase, pct, p->done / 1048576.0, p->total / 1048576.0, rate / 1048576.0,
           eta / 60, eta % 60, final ? "\n" : "  ");
  fflush (stderr);
}

void
progress_add (struct progress *p, int64_t bytes)
{
  if (p == NULL)
    return;
  pthread_mutex_lock (&p->s->lock);
  p->done += bytes;
  double now = clock_now ();
  if (p->s->o.tty && now - p->last_tty >= 0.5) {
    tty_line (p, now, false);
    p->last_tty = now;
  }
  if (now - p->last_log >= p->s->o.log_every_s) {
    double el = now - p->start;
    log_info ("%s %s: %.1f of %.1f MiB, %.1f MiB/s", p->label, p->phase, p->done / 1048576.0,
              p->total / 1048576.0, el > 0 ? p->done / el / 1048576.0 : 0);
    p->last_log = now;
  }
  pthread_mutex_unlock (&p->s->lock);
}

void
progress_end (struct progress *p, bool ok)
{
  if (p == NULL)
    return;
  pthread_mutex_lock (&p->s->lock);
  if (p->s->o.tty && ok)
    tty_line (p, clock_now (), true);
  pthread_mutex_unlock (&p->s->lock);
  free (p);
}
