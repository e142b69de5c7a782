/* Copy progress on the terminal, in the log and as JSON events.
 *
 *   progress_add   the copy's writer threads: one atomic add, no lock, no
 *                  I/O, so a slow terminal or event reader never holds up
 *                  a copy
 *   begin, end     the caller's thread: a log line and an event; on a
 *                  terminal the block redrawn, at the end with the copy's
 *                  final line above it
 *   ticker thread  while a copy is active, every TICK_S: a rate sample
 *                  per copy, the block redrawn, and the log lines and
 *                  progress events that are due
 *
 * The terminal block is log.c's status block (log_status), so log lines
 * from any thread go above it instead of through it.  Lock order: the
 * sink's lock, then the log's. */
#include "progress.h"
#include "clock.h"
#include "log.h"
#include "thread.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define TICK_S 0.25               /* terminal redraws and rate samples: 4 a second */
#define EVENT_EVERY_S 1.0         /* progress events of a copy, at most */
#define DEFAULT_LOG_EVERY_S 5.0   /* log lines of a copy */
#define INTERVAL_ENV "VMIGRATE_PROGRESS_INTERVAL"
enum { RATE_SAMPLES = 20 };       /* the recent rate: over the last 20 ticks (5 s) */

struct sample {
  double t;         /* clock_now () */
  int64_t done;     /* bytes done then */
};

struct progress {
  struct progress_sink *s;    /* where it reports */
  char label[64];             /* "disk 2000" */
  char phase[16];             /* "copy", "zero", "verify" */
  int64_t total;              /* bytes to do */
  _Atomic int64_t done;       /* bytes done (progress_add, any thread) */
  double start;               /* clock_now () at progress_begin */
  double next_log, next_event; /* when the next log line and progress event are due */
  double rate;                /* bytes/s over the recent samples, as of the last tick */
  struct sample ring[RATE_SAMPLES]; /* the recent samples; the oldest at [head] once full */
  unsigned nsamples, head;    /* samples in the ring, next slot to fill */
  struct progress *next;      /* the sink's active list, in begin order */
};

struct progress_sink {
  pthread_mutex_t lock;       /* the active list, the copies' state and every output */
  pthread_cond_t wake;        /* a first copy began, or the sink is freed */
  struct progress_opts o;     /* log_every_s resolved (never 0) */
  double event_every_s;       /* the lesser of EVENT_EVERY_S and log_every_s */
  struct progress *active;    /* copies under way, oldest first */
  bool events_dead;           /* writing an event failed for good: no more events */
  bool stop;                  /* progress_sink_free: the ticker ends */
  pthread_t ticker;           /* runs ticker () */
};

/* ---- figures and text ---- */

static double
wall_now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_REALTIME, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static void
add_sample (struct progress *p, double t, int64_t done)
{
  p->ring[p->head] = (struct sample) { t, done };
  p->head = (p->head + 1) % RATE_SAMPLES;
  if (p->nsamples < RATE_SAMPLES)
    p->nsamples++;
}

/* Bytes/s since the oldest sample of the ring (about the last 5 s). */
static double
recent_rate (const struct progress *p, double now, int64_t done)
{
  const struct sample *old = &p->ring[p->nsamples < RATE_SAMPLES ? 0 : p->head];

  return now - old->t > 0.05 ? (double) (done - old->done) / (now - old->t) : 0;
}

/* Seconds left at RATE; -1 when it cannot be told (nothing moves). */
static double
eta_seconds (const struct progress *p, int64_t done, double rate)
{
  if (done >= p->total)
    return 0;
  if (rate <= 0)
    return -1;
  double left = (double) (p->total - done) / rate;
  return (double) (int64_t) left < left ? (double) ((int64_t) left + 1) : left;  /* rounded up */
}

/* "1:05", "2:03:07", or "--:--" for an unknown ETA. */
static void
format_eta (char *buf, size_t n, double eta)
{
  long s = (long) eta;

  if (eta < 0)
    snprintf (buf, n, "--:--");
  else if (s >= 3600)
    snprintf (buf, n, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  else
    snprintf (buf, n, "%ld:%02ld", s / 60, s % 60);
}

static double
mib (double bytes)
{
  return bytes / 1048576.0;
}

static double
percent (const struct progress *p, int64_t done)
{
  return p->total > 0 ? (done >= p->total ? 100.0 : 100.0 * (double) done / (double) p->total)
                      : 100.0;
}

/* The terminal line of a copy under way (no '\n'). */
static void
format_row (char *buf, size_t n, const struct progress *p, int64_t done)
{
  char eta[24];

  format_eta (eta, sizeof eta, eta_seconds (p, done, p->rate));
  snprintf (buf, n, "%s %s %5.1f%%  %.1f/%.1f MiB  %.1f MiB/s  ETA %s", p->label, p->phase,
            percent (p, done), mib ((double) done), mib ((double) p->total), mib (p->rate), eta);
}

/* How a finished copy went, for its last terminal line and its log line. */
static void
format_end (char *buf, size_t n, const struct progress *p, int64_t done, double seconds,
            bool ok)
{
  double avg = seconds > 0 ? (double) done / seconds : 0;

  if (ok)
    snprintf (buf, n, "%s %s: done, %.1f MiB in %.1f s, %.1f MiB/s", p->label, p->phase,
              mib ((double) done), seconds, mib (avg));
  else
    snprintf (buf, n, "%s %s: stopped at %.1f%%, %.1f of %.1f MiB in %.1f s, %.1f MiB/s",
              p->label, p->phase, percent (p, done), mib ((double) done),
              mib ((double) p->total), seconds, mib (avg));
}

/* TEXT cut to the terminal's width less one column (a line that wraps
 * would make the redraw erase one line too few), then '\n', into BUF. */
static void
fit_line (char *buf, size_t n, const char *text)
{
  struct winsize ws;
  int cols = ioctl (2, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1 ? ws.ws_col : 80;

  snprintf (buf, n, "%.*s\n", cols - 1, text);
}

/* ---- outputs (sink lock held) ---- */

/* The log line of a copy.  On a terminal the block shows the same, so
 * there it is a debug line: in the log file, and on stderr with -v. */
static void
log_progress_locked (const struct progress_sink *s, const char *line)
{
  log_msg (s->o.tty ? LOG_DEBUG : LOG_INFO, "%s", line);
}

/* All of LEN bytes of BUF in one write(2) if the fd takes them (a
 * partial write goes on with the rest); -1 with errno set on an error. */
static int
write_all (int fd, const char *buf, size_t len)
{
  while (len > 0) {
    ssize_t w = write (fd, buf, len);
    if (w >= 0) {
      buf += w;
      len -= (size_t) w;
    }
    else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      struct pollfd pfd = { .fd = fd, .events = POLLOUT };
      poll (&pfd, 1, 1000);  /* a non-blocking fd: wait until it takes more */
    }
    else if (errno != EINTR)
      return -1;
  }
  return 0;
}

/* One JSON event line on events_fd.  RATE in bytes/s, ETA -1 = unknown;
 * OK and SECONDS only in an "end" event. */
static void
emit_event_locked (struct progress_sink *s, const struct progress *p, const char *event,
                   int64_t done, double rate, double eta, const bool *ok, double seconds)
{
  char num[32];

  if (s->o.events_fd < 0 || s->events_dead)
    return;
  json_object *o = json_object_new_object ();
  if (o == NULL)
    return;  /* out of memory: this event is lost, the next may not be */
  json_object_object_add (o, "event", json_object_new_string (event));
  json_object_object_add (o, "label", json_object_new_string (p->label));
  json_object_object_add (o, "phase", json_object_new_string (p->phase));
  json_object_object_add (o, "done", json_object_new_int64 (done));
  json_object_object_add (o, "total", json_object_new_int64 (p->total));
  json_object_object_add (o, "rate", json_object_new_int64 ((int64_t) (rate + 0.5)));
  json_object_object_add (o, "eta_s", eta < 0 ? NULL : json_object_new_int64 ((int64_t) eta));
  if (ok) {
    json_object_object_add (o, "ok", json_object_new_boolean (*ok));
    snprintf (num, sizeof num, "%.3f", seconds);
    json_object_object_add (o, "seconds", json_object_new_double_s (seconds, num));
  }
  double t = wall_now ();
  snprintf (num, sizeof num, "%.3f", t);
  json_object_object_add (o, "time", json_object_new_double_s (t, num));

  const char *text = json_object_to_json_string_ext (o, JSON_C_TO_STRING_PLAIN);
  size_t len = strlen (text);
  char *line = malloc (len + 2);
  if (line) {
    memcpy (line, text, len);
    memcpy (line + len, "\n", 2);
    if (write_all (s->o.events_fd, line, len + 1) == -1) {
      int e = errno;
      s->events_dead = true;
      log_warn ("progress events on file descriptor %d: %s%s; no more are written",
                s->o.events_fd, strerror (e), e == EPIPE ? " (the reader is gone)" : "");
    }
    free (line);
  }
  json_object_put (o);
}

/* The terminal block: a line per active copy, ABOVE (NULL: none) above it. */
static void
draw_locked (const struct progress_sink *s, const char *above)
{
  char *block = NULL;
  size_t len = 0;
  FILE *m;

  if (!s->o.tty)
    return;
  if ((m = open_memstream (&block, &len)) == NULL)
    return;  /* out of memory: the next tick draws */
  for (const struct progress *p = s->active; p; p = p->next) {
    char row[256], fitted[260];
    format_row (row, sizeof row, p, atomic_load (&p->done));
    fit_line (fitted, sizeof fitted, row);
    fputs (fitted, m);
  }
  fclose (m);
  log_status (above, block);
  free (block);
}

/* A tick: per copy a rate sample, the log line and event when due; then
 * the block. */
static void
tick_locked (struct progress_sink *s, double now)
{
  for (struct progress *p = s->active; p; p = p->next) {
    int64_t done = atomic_load (&p->done);
    p->rate = recent_rate (p, now, done);
    add_sample (p, now, done);
    double eta = eta_seconds (p, done, p->rate);
    if (now >= p->next_log) {
      char line[256], e[24];
      format_eta (e, sizeof e, eta);
      snprintf (line, sizeof line, "%s %s: %.1f%%, %.1f of %.1f MiB, %.1f MiB/s, ETA %s",
                p->label, p->phase, percent (p, done), mib ((double) done),
                mib ((double) p->total), mib (p->rate), e);
      log_progress_locked (s, line);
      p->next_log = now + s->o.log_every_s;
    }
    if (now >= p->next_event) {
      emit_event_locked (s, p, "progress", done, p->rate, eta, NULL, 0);
      p->next_event = now + s->event_every_s;
    }
  }
  draw_locked (s, NULL);
}

static void *
ticker (void *arg)
{
  struct progress_sink *s = arg;

  pthread_mutex_lock (&s->lock);
  while (!s->stop) {
    if (s->active == NULL) {
      pthread_cond_wait (&s->wake, &s->lock);
      continue;
    }
    struct timespec until;
    clock_gettime (CLOCK_MONOTONIC, &until);
    until.tv_nsec += (long) (TICK_S * 1e9);
    if (until.tv_nsec >= 1000000000L) {
      until.tv_sec++;
      until.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait (&s->wake, &s->lock, &until);
    if (!s->stop && s->active)
      tick_locked (s, clock_now ());
  }
  pthread_mutex_unlock (&s->lock);
  return NULL;
}

/* ---- the API ---- */

/* Seconds between log lines: VMIGRATE_PROGRESS_INTERVAL, else 5. */
static double
log_interval_from_env (void)
{
  const char *v = getenv (INTERVAL_ENV);
  char *end;
  double d;

  if (v == NULL || *v == '\0')
    return DEFAULT_LOG_EVERY_S;
  errno = 0;
  d = strtod (v, &end);
  if (errno || end == v || *end || !(d > 0 && d <= 86400)) {
    log_warn ("%s=%s is not a number of seconds (0 to 86400); progress is logged every %g s",
              INTERVAL_ENV, v, DEFAULT_LOG_EVERY_S);
    return DEFAULT_LOG_EVERY_S;
  }
  return d;
}

struct progress_sink *
progress_sink_new (const struct progress_opts *o, struct vmerr *err)
{
  struct progress_sink *s = calloc (1, sizeof *s);
  pthread_condattr_t ca;
  int rc;

  if (s == NULL) {
    vmerr_set (err, VMERR_FAILED, "out of memory");
    return NULL;
  }
  s->o = *o;
  if (s->o.log_every_s <= 0)
    s->o.log_every_s = log_interval_from_env ();
  s->event_every_s = s->o.log_every_s < EVENT_EVERY_S ? s->o.log_every_s : EVENT_EVERY_S;
  /* The programs a run starts do not get the events' fd (a converter
   * holding it would keep the reader from seeing its end). */
  if (s->o.events_fd > 2) {
    int fl = fcntl (s->o.events_fd, F_GETFD);
    if (fl != -1)
      fcntl (s->o.events_fd, F_SETFD, fl | FD_CLOEXEC);
  }
  pthread_mutex_init (&s->lock, NULL);
  pthread_condattr_init (&ca);
  pthread_condattr_setclock (&ca, CLOCK_MONOTONIC);
  pthread_cond_init (&s->wake, &ca);
  pthread_condattr_destroy (&ca);
  rc = thread_start (&s->ticker, ticker, s);
  if (rc != 0) {
    vmerr_set (err, VMERR_FAILED, "cannot start the progress thread: %s", strerror (rc));
    pthread_cond_destroy (&s->wake);
    pthread_mutex_destroy (&s->lock);
    free (s);
    return NULL;
  }
  return s;
}

void
progress_sink_free (struct progress_sink *s)
{
  if (s == NULL)
    return;
  pthread_mutex_lock (&s->lock);
  s->stop = true;
  pthread_cond_signal (&s->wake);
  pthread_mutex_unlock (&s->lock);
  pthread_join (s->ticker, NULL);
  if (s->o.tty)
    log_status (NULL, NULL);  /* the block is gone: stderr is plain again */
  pthread_cond_destroy (&s->wake);
  pthread_mutex_destroy (&s->lock);
  free (s);
}

struct progress *
progress_begin (struct progress_sink *s, const char *label, const char *phase, int64_t total)
{
  struct progress *p;
  char line[256];

  if (s == NULL || (p = calloc (1, sizeof *p)) == NULL)
    return NULL;
  p->s = s;
  snprintf (p->label, sizeof p->label, "%s", label);
  snprintf (p->phase, sizeof p->phase, "%s", phase);
  p->total = total > 0 ? total : 0;
  atomic_init (&p->done, 0);
  p->start = clock_now ();
  p->next_log = p->start + s->o.log_every_s;
  p->next_event = p->start + s->event_every_s;
  add_sample (p, p->start, 0);

  pthread_mutex_lock (&s->lock);
  struct progress **tail = &s->active;
  while (*tail)
    tail = &(*tail)->next;
  *tail = p;
  if (s->active == p)
    pthread_cond_signal (&s->wake);  /* the ticker sleeps while nothing is active */
  snprintf (line, sizeof line, "%s %s: begins, %.1f MiB", p->label, p->phase,
            mib ((double) p->total));
  log_progress_locked (s, line);
  emit_event_locked (s, p, "begin", 0, 0, -1, NULL, 0);
  draw_locked (s, NULL);
  pthread_mutex_unlock (&s->lock);
  return p;
}

void
progress_add (struct progress *p, int64_t bytes)
{
  if (p)
    atomic_fetch_add (&p->done, bytes);
}

void
progress_end (struct progress *p, bool ok)
{
  if (p == NULL)
    return;
  struct progress_sink *s = p->s;
  char line[256], above[260];

  pthread_mutex_lock (&s->lock);
  struct progress **at = &s->active;
  while (*at && *at != p)
    at = &(*at)->next;
  if (*at)
    *at = p->next;
  int64_t done = atomic_load (&p->done);
  double seconds = clock_now () - p->start;
  double avg = seconds > 0 ? (double) done / seconds : 0;
  format_end (line, sizeof line, p, done, seconds, ok);
  log_progress_locked (s, line);
  emit_event_locked (s, p, "end", done, avg, ok ? 0 : -1, &ok, seconds);
  if (s->o.tty) {
    fit_line (above, sizeof above, line);
    draw_locked (s, above);
  }
  pthread_mutex_unlock (&s->lock);
  free (p);
}
