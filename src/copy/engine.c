/* The copy: libnbd AIO reads on reader threads (one per NBD connection),
 * writes on writer threads, so a pwrite or a zero never holds up the reads.
 *
 *   readers (one per connection)  take a free buffer and the next request
 *                                 of the shared cursor, issue the read,
 *                                 nbd_poll; each completion hands its
 *                                 buffer to the write queue
 *   writers (N threads)           take a buffer, pwrite it (all-zero data:
 *                                 a zero range, or nothing on a target that
 *                                 reads as zeroes), or for copy_verify read
 *                                 the target and compare; give it back
 *
 * Memory is bounded by `requests` buffers of request_size bytes (16 x 2 MiB
 * = 32 MiB by default) whatever the disk size or the number of
 * connections: a buffer is either being read, queued, or being written.
 * Writes land in any order: the extents do not overlap, and the caller
 * flushes before it records anything. */
#include "engine.h"
#include "clock.h"
#include "interrupt.h"
#include "thread.h"

#include <inttypes.h>
#include <libnbd.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { MAX_WRITERS = 16, MAX_CONNECTIONS = 16 };

/* How long a reader waits in nbd_poll before it looks at signals and
 * cancellation again (signals go to whichever thread they like). */
enum { POLL_MS = 200 };

struct reader;

struct slot {
  char *buf;             /* request_size bytes */
  int64_t offset;        /* where it was read from / goes to */
  size_t len;            /* bytes */
  struct reader *owner;  /* whose connection read it */
  struct slot *next;     /* in the write queue or the free list */
};

/* Cursor over the extent list, cut into requests. */
struct cursor {
  const struct extent_list *list;
  size_t i;          /* current extent */
  int64_t pos;       /* next offset within it */
};

struct engine {
  pthread_mutex_t lock;
  pthread_cond_t work;      /* the queue has a buffer, or stop */
  pthread_cond_t freed;     /* the free list has a buffer, or failed */
  struct slot *queue, *queue_tail;  /* read, waiting for a writer */
  struct slot *free_list;
  struct slot **all;        /* every buffer made, to free them */
  unsigned nalloc, depth;   /* made, most allowed */
  size_t rsize;             /* bytes per request */
  struct cursor cur;        /* what to read next */
  bool more;                /* the cursor has requests left */
  bool stop;                /* no more reads: writers end once the queue is empty */
  bool failed;              /* first error is in err */
  struct vmerr err;
  bool verify;              /* compare instead of write */
  struct target *t;
  bool skip_zeros;
  struct copy_stats *stats;
  struct progress *prog;
  struct rate *rate;
  atomic_bool *cancel;
};

struct reader {
  struct engine *e;
  struct nbd_handle *h;
  unsigned in_flight;       /* reads issued and not completed (this thread only) */
};

static void
fail_locked (struct engine *e, const struct vmerr *err)
{
  if (!e->failed) {
    e->failed = true;
    e->err = *err;
  }
  pthread_cond_broadcast (&e->freed);
}

static void
fail (struct engine *e, const struct vmerr *err)
{
  pthread_mutex_lock (&e->lock);
  fail_locked (e, err);
  pthread_mutex_unlock (&e->lock);
}

static bool
failed (struct engine *e)
{
  pthread_mutex_lock (&e->lock);
  bool f = e->failed;
  pthread_mutex_unlock (&e->lock);
  return f;
}

static void
give_back_locked (struct engine *e, struct slot *s)
{
  s->next = e->free_list;
  e->free_list = s;
  pthread_cond_broadcast (&e->freed);
}

/* A signal or another disk's failure ends the copy: true when it must stop
 * (the engine then has the reason). */
static bool
must_stop (struct engine *e)
{
  struct vmerr err = { 0 };

  if (interrupted ())
    vmerr_set (&err, VMERR_INTERRUPTED, "interrupted by signal %d during the copy",
               interrupt_signal ());
  else if (e->cancel && atomic_load (e->cancel))
    vmerr_set (&err, VMERR_COPY, "stopped because another disk of the VM failed");
  else
    return failed (e);
  fail (e, &err);
  return true;
}

/* A read completed (called by libnbd on its reader's thread). */
static int
read_done (void *user_data, int *error)
{
  struct slot *s = user_data;
  struct engine *e = s->owner->e;

  s->owner->in_flight--;
  pthread_mutex_lock (&e->lock);
  if (*error) {
    struct vmerr err = { 0 };
    vmerr_set (&err, VMERR_COPY, "reading %zu bytes at offset %" PRId64 " of the source: %s",
               s->len, s->offset, strerror (*error));
    fail_locked (e, &err);
    give_back_locked (e, s);
  }
  else {
    e->stats->bytes_read += (int64_t) s->len;
    s->next = NULL;
    if (e->queue_tail)
      e->queue_tail->next = s;
    else
      e->queue = s;
    e->queue_tail = s;
    pthread_cond_signal (&e->work);
  }
  pthread_mutex_unlock (&e->lock);
  return 1; /* retire the command */
}

static bool
all_zero (const char *buf, size_t len)
{
  return len == 0 || (buf[0] == 0 && memcmp (buf, buf + 1, len - 1) == 0);
}

/* Compare a buffer read from the source with the target. */
static int
compare (struct engine *e, const struct slot *s, char *mine, struct vmerr *err)
{
  if (target_pread (e->t, mine, s->len, s->offset, err) == -1)
    return -1;
  if (memcmp (mine, s->buf, s->len) == 0)
    return 0;
  size_t k = 0;
  while (k < s->len && mine[k] == s->buf[k])
    k++;
  return vmerr_set (err, VMERR_VERIFY, "the volume differs from the source at byte %" PRId64
                    " (in the area %" PRId64 "+%zu)", s->offset + (int64_t) k, s->offset,
                    s->len);
}

static void *
writer (void *arg)
{
  struct engine *e = arg;
  char *mine = NULL;   /* copy_verify: the target's bytes */

  if (e->verify && (mine = malloc (e->rsize)) == NULL) {
    struct vmerr err = { 0 };
    vmerr_set (&err, VMERR_FAILED, "out of memory for verify buffers");
    fail (e, &err);
  }
  pthread_mutex_lock (&e->lock);
  for (;;) {
    while (e->queue == NULL && !e->stop)
      pthread_cond_wait (&e->work, &e->lock);
    struct slot *s = e->queue;
    if (s == NULL)
      break;
    e->queue = s->next;
    if (e->queue == NULL)
      e->queue_tail = NULL;
    bool skip = e->failed;  /* after an error, only give the buffers back */
    pthread_mutex_unlock (&e->lock);

    struct vmerr err = { 0 };
    int rc = 0;
    int64_t wrote = 0, zeroed = 0, compared = 0;
    if (skip)
      ;
    else if (e->verify)
      rc = compare (e, s, mine, &err), compared = (int64_t) s->len;
    else if (!all_zero (s->buf, s->len))
      rc = target_pwrite (e->t, s->buf, s->len, s->offset, &err), wrote = (int64_t) s->len;
    else if (!e->skip_zeros)
      rc = target_zero (e->t, s->offset, (int64_t) s->len, &err), zeroed = (int64_t) s->len;

    pthread_mutex_lock (&e->lock);
    if (rc == -1)
      fail_locked (e, &err);
    else if (!skip) {
      e->stats->bytes_written += wrote;
      e->stats->bytes_zeroed += zeroed;
      e->stats->bytes_compared += compared;
    }
    give_back_locked (e, s);
    if (rc == 0 && !skip) {
      pthread_mutex_unlock (&e->lock);
      progress_add (e->prog, (int64_t) s->len);
      pthread_mutex_lock (&e->lock);
    }
  }
  pthread_mutex_unlock (&e->lock);
  free (mine);
  return NULL;
}

static bool
cursor_next (struct cursor *c, size_t max, int64_t *off, size_t *len)
{
  while (c->i < c->list->n) {
    const struct extent *x = &c->list->v[c->i];
    int64_t end = x->offset + x->length;
    if (c->pos < x->offset)
      c->pos = x->offset;
    if (c->pos < end) {
      *off = c->pos;
      *len = end - c->pos > (int64_t) max ? max : (size_t) (end - c->pos);
      c->pos += (int64_t) *len;
      return true;
    }
    c->i++;
  }
  return false;
}

enum take { TAKEN, BUSY, DONE, NOMEM };

/* A free buffer holding the next request: from the free list, else a new
 * one while fewer than depth exist. */
static enum take
take (struct engine *e, struct reader *r, struct slot **out)
{
  struct slot *s = NULL;
  enum take res = TAKEN;

  pthread_mutex_lock (&e->lock);
  if (!e->more || e->failed)
    res = DONE;
  else if ((s = e->free_list) != NULL)
    e->free_list = s->next;
  else if (e->nalloc == e->depth)
    res = BUSY;
  else if ((s = calloc (1, sizeof *s)) == NULL || (s->buf = malloc (e->rsize)) == NULL) {
    free (s);
    s = NULL;
    res = NOMEM;
  }
  else
    e->all[e->nalloc++] = s;
  if (s && !cursor_next (&e->cur, e->rsize, &s->offset, &s->len)) {
    e->more = false;
    give_back_locked (e, s);
    s = NULL;
    res = DONE;
  }
  pthread_mutex_unlock (&e->lock);
  if (s)
    s->owner = r;
  *out = s;
  return res;
}

/* Wait until AT (--max-rate), servicing this connection's reads meanwhile.
 * False when the copy must stop. */
static bool
wait_turn (struct reader *r, double at)
{
  for (double now = clock_now (); now < at; now = clock_now ()) {
    double left = at - now > POLL_MS / 1000.0 ? POLL_MS / 1000.0 : at - now;
    if (r->in_flight > 0) {
      if (nbd_poll (r->h, (int) (left * 1000) + 1) == -1)
        return false;
    }
    else {
      struct timespec ts = { 0, (long) (left * 1e9) };
      nanosleep (&ts, NULL);
    }
    if (must_stop (r->e))
      return false;
  }
  return true;
}

/* Issue reads until the extents or the buffers run out; -1 when the copy
 * must end (the engine has the reason). */
static int
issue (struct reader *r, bool *busy)
{
  struct engine *e = r->e;
  struct vmerr err = { 0 };

  for (;;) {
    struct slot *s;
    switch (take (e, r, &s)) {
    case BUSY: *busy = true; return 0;
    case DONE: *busy = false; return 0;
    case NOMEM:
      vmerr_set (&err, VMERR_FAILED, "out of memory for copy buffers");
      fail (e, &err);
      return -1;
    case TAKEN: break;
    }
    if (e->rate && !wait_turn (r, rate_reserve (e->rate, (int64_t) s->len))) {
      pthread_mutex_lock (&e->lock);
      give_back_locked (e, s);
      pthread_mutex_unlock (&e->lock);
      vmerr_set (&err, VMERR_COPY, "waiting for the source: %s", nbd_get_error ());
      fail (e, &err);  /* kept only when nothing else stopped the copy */
      return -1;
    }
    if (nbd_aio_pread (r->h, s->buf, s->len, (uint64_t) s->offset,
                       (nbd_completion_callback) { .callback = read_done, .user_data = s },
                       0) == -1) {
      vmerr_set (&err, VMERR_COPY, "reading the source at %" PRId64 ": %s", s->offset,
                 nbd_get_error ());
      pthread_mutex_lock (&e->lock);
      give_back_locked (e, s);
      fail_locked (e, &err);
      pthread_mutex_unlock (&e->lock);
      return -1;
    }
    r->in_flight++;
  }
}

static void *
reader_run (void *arg)
{
  struct reader *r = arg;
  struct engine *e = r->e;
  struct vmerr err = { 0 };

  for (;;) {
    bool busy = false;
    if (issue (r, &busy) == -1 || must_stop (e))
      break;
    if (r->in_flight == 0) {
      if (!busy)
        break;  /* nothing left to read */
      /* Every buffer is queued or being written: wait for one. */
      pthread_mutex_lock (&e->lock);
      while (e->free_list == NULL && !e->failed && e->more) {
        struct timespec ts;
        clock_gettime (CLOCK_REALTIME, &ts);
        ts.tv_nsec += POLL_MS * 1000000L;
        if (ts.tv_nsec >= 1000000000L)
          ts.tv_sec++, ts.tv_nsec -= 1000000000L;
        pthread_cond_timedwait (&e->freed, &e->lock, &ts);
        if (interrupted () || (e->cancel && atomic_load (e->cancel)))
          break;
      }
      pthread_mutex_unlock (&e->lock);
      continue;
    }
    if (nbd_poll (r->h, POLL_MS) == -1) {
      vmerr_set (&err, VMERR_COPY, "waiting for the source: %s", nbd_get_error ());
      fail (e, &err);
      break;
    }
  }
  /* Reads still in flight write into our buffers: let them retire. */
  while (r->in_flight > 0 && !nbd_aio_is_dead (r->h) && !nbd_aio_is_closed (r->h))
    if (nbd_poll (r->h, 1000) == -1)
      break;
  return NULL;
}

static int
connect_one (struct reader *r, const char *socket, struct vmerr *err)
{
  r->h = nbd_create ();
  if (r->h == NULL)
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  /* read_done never passes on the buffer of a failed read, so libnbd's
   * zeroing of every read buffer beforehand is only a memset per request
   * (as nbdcopy, we turn it off). */
  if (nbd_set_pread_initialize (r->h, false) == -1)
    return vmerr_set (err, VMERR_FAILED, "libnbd: %s", nbd_get_error ());
  if (nbd_connect_unix (r->h, socket) == -1)
    return vmerr_set (err, VMERR_COPY, "connecting to the source NBD server: %s",
                      nbd_get_error ());
  return 0;
}

/* An automatic count of threads or connections, divided among the SHARE
 * disks copied at once; at least 1. */
static unsigned
divided (unsigned total, unsigned share)
{
  unsigned n = share > 1 ? total / share : total;
  return n > 0 ? n : 1;
}

static int
run_engine (const char *socket, struct target *t, const struct extent_list *list,
            const struct copy_opts *opts, bool verify, struct copy_stats *stats,
            struct vmerr *err)
{
  unsigned nwriters = opts->writers ? opts->writers : divided (COPY_WRITERS, opts->share);
  struct engine e = {
    .rsize = opts->request_size ? opts->request_size : COPY_REQUEST_SIZE,
    .depth = opts->requests ? opts->requests : COPY_REQUESTS,
    .cur = { list, 0, 0 }, .more = true, .verify = verify, .t = t,
    .skip_zeros = opts->skip_zeros, .stats = stats, .prog = opts->prog, .rate = opts->rate,
    .cancel = opts->cancel,
  };
  struct reader readers[MAX_CONNECTIONS] = { 0 };
  pthread_t wthreads[MAX_WRITERS], rthreads[MAX_CONNECTIONS];
  unsigned nconn = 1, nw = 0, nr = 0;
  double start = clock_now ();
  int rc = -1;

  memset (stats, 0, sizeof *stats);
  if (list->n == 0)
    return 0;  /* nothing changed: no connection at all */
  if (nwriters > MAX_WRITERS)
    nwriters = MAX_WRITERS;
  pthread_mutex_init (&e.lock, NULL);
  pthread_cond_init (&e.work, NULL);
  pthread_cond_init (&e.freed, NULL);
  if ((e.all = calloc (e.depth, sizeof *e.all)) == NULL) {
    vmerr_set (err, VMERR_FAILED, "out of memory");
    goto out;
  }
  readers[0].e = &e;
  if (connect_one (&readers[0], socket, err) == -1)
    goto out;
  int64_t src_size = nbd_get_size (readers[0].h);
  if (src_size < list->v[list->n - 1].offset + list->v[list->n - 1].length) {
    vmerr_set (err, VMERR_COPY, "the source serves %" PRId64 " bytes, less than the disk's "
               "changed areas need", src_size);
    goto out;
  }
  /* Several connections only where the server says they see the same
   * data (multi-conn), or where the operator asked for them. */
  nconn = opts->connections ? opts->connections
          : nbd_can_multi_conn (readers[0].h) == 1 ? divided (COPY_MULTI_CONN, opts->share) : 1;
  if (nconn > MAX_CONNECTIONS)
    nconn = MAX_CONNECTIONS;
  if (nconn > e.depth)
    nconn = e.depth;  /* a connection without a buffer would only wait */
  for (unsigned k = 1; k < nconn; k++) {
    readers[k].e = &e;
    if (connect_one (&readers[k], socket, err) == -1)
      goto out;
  }
  stats->connections = nconn;
  for (; nw < nwriters; nw++)
    if (thread_start (&wthreads[nw], writer, &e) != 0)
      break;
  for (; nw > 0 && nr < nconn; nr++)
    if (thread_start (&rthreads[nr], reader_run, &readers[nr]) != 0)
      break;
  if (nr == 0) {
    struct vmerr terr = { 0 };
    vmerr_set (&terr, VMERR_FAILED, "cannot start the copy threads");
    fail (&e, &terr);
  }
  for (unsigned k = 0; k < nr; k++)
    pthread_join (rthreads[k], NULL);
  pthread_mutex_lock (&e.lock);
  e.stop = true;
  pthread_cond_broadcast (&e.work);
  pthread_mutex_unlock (&e.lock);
  for (unsigned k = 0; k < nw; k++)
    pthread_join (wthreads[k], NULL);
  if (e.failed)
    *err = e.err;
  else if (e.more) {
    vmerr_set (err, VMERR_FAILED, "the copy ended before its last extent");
  }
  else {
    stats->seconds = clock_now () - start;
    rc = 0;
  }
out:
  for (unsigned k = 0; k < nconn && k < MAX_CONNECTIONS; k++)
    if (readers[k].h) {
      nbd_shutdown (readers[k].h, 0);
      nbd_close (readers[k].h);
    }
  for (unsigned k = 0; k < e.nalloc; k++) {
    free (e.all[k]->buf);
    free (e.all[k]);
  }
  free (e.all);
  pthread_cond_destroy (&e.freed);
  pthread_cond_destroy (&e.work);
  pthread_mutex_destroy (&e.lock);
  return rc;
}

int
copy_extents (const char *socket, struct target *t, const struct extent_list *list,
              const struct copy_opts *opts, struct copy_stats *stats, struct vmerr *err)
{
  return run_engine (socket, t, list, opts, false, stats, err);
}

int
copy_verify (const char *socket, struct target *t, const struct extent_list *list,
             const struct copy_opts *opts, struct copy_stats *stats, struct vmerr *err)
{
  return run_engine (socket, t, list, opts, true, stats, err);
}

int
copy_zero_complement (struct target *t, const struct extent_list *list, int64_t capacity,
                      struct progress *prog, struct copy_stats *stats, struct vmerr *err)
{
  /* Zeroing may write on a device that cannot zero by itself: in pieces,
   * so that progress moves and a signal is heard. */
  const int64_t piece = 1 << 30;
  int64_t pos = 0;

  for (size_t i = 0; i <= list->n; i++) {
    int64_t next = i < list->n ? list->v[i].offset : capacity;
    for (int64_t at = pos; at < next; at += piece) {
      int64_t len = next - at < piece ? next - at : piece;
      if (interrupted ())
        return vmerr_set (err, VMERR_INTERRUPTED, "interrupted by signal %d while zeroing",
                          interrupt_signal ());
      if (target_zero (t, at, len, err) == -1)
        return -1;
      stats->bytes_zeroed += len;
      progress_add (prog, len);
    }
    if (i < list->n)
      pos = list->v[i].offset + list->v[i].length;
  }
  return 0;
}
