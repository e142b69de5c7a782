/* The copy: libnbd AIO reads on the calling thread, writes on writer
 * threads, so a pwrite or a zero never holds up the reads.
 *
 *   reader (this thread)  issue reads into free buffers; nbd_poll; each
 *                         completion hands its buffer to the write queue
 *   writers (N threads)   take a buffer, pwrite it (all-zero data: a zero
 *                         range, or nothing on a target that reads as
 *                         zeroes), give the buffer back
 *
 * Memory is bounded by in_flight buffers of request_size bytes (16 x 2 MiB
 * = 32 MiB by default) whatever the disk size: a buffer is either being
 * read, queued, or being written.  Writes land in any order: the extents
 * do not overlap, and the caller flushes before it records anything. */
#include "engine.h"
#include "progress.h"
#include "clock.h"
#include "interrupt.h"

#include <inttypes.h>
#include <libnbd.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_WRITERS = 16 };

struct slot {
  char *buf;           /* request_size bytes */
  int64_t offset;      /* where it was read from / goes to */
  size_t len;          /* bytes */
  struct slot *next;   /* in the write queue or the free list */
};

struct engine {
  pthread_mutex_t lock;
  pthread_cond_t work;      /* the queue has a buffer, or stop */
  pthread_cond_t freed;     /* the free list has a buffer, or failed */
  struct slot *queue, *queue_tail;  /* read, waiting for a writer */
  struct slot *free_list;
  bool stop;                /* no more reads: writers end once the queue is empty */
  bool failed;              /* first error is in err */
  struct vmerr err;
  struct target *t;
  bool skip_zeros;
  struct copy_stats *stats;
  struct progress *prog;
  unsigned in_flight;       /* reads issued and not completed (reader only) */
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
give_back_locked (struct engine *e, struct slot *s)
{
  s->next = e->free_list;
  e->free_list = s;
  pthread_cond_signal (&e->freed);
}

/* A read completed (called by libnbd on the reader thread). */
static int
read_done (void *user_data, int *error)
{
  struct slot *s = user_data;
  struct engine *e = *(struct engine **) (s + 1);

  e->in_flight--;
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

static void *
writer (void *arg)
{
  struct engine *e = arg;

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
    int64_t wrote = 0, zeroed = 0;
    if (!skip) {
      if (!all_zero (s->buf, s->len))
        rc = target_pwrite (e->t, s->buf, s->len, s->offset, &err), wrote = (int64_t) s->len;
      else if (!e->skip_zeros)
        rc = target_zero (e->t, s->offset, (int64_t) s->len, &err), zeroed = (int64_t) s->len;
    }

    pthread_mutex_lock (&e->lock);
    if (rc == -1)
      fail_locked (e, &err);
    else if (!skip) {
      e->stats->bytes_written += wrote;
      e->stats->bytes_zeroed += zeroed;
      progress_add (e->prog, (int64_t) s->len);
    }
    give_back_locked (e, s);
  }
  pthread_mutex_unlock (&e->lock);
  return NULL;
}

/* Cursor over the extent list, cut into requests. */
struct cursor {
  const struct extent_list *list;
  size_t i;          /* current extent */
  int64_t pos;       /* next offset within it */
};

static bool
cursor_next (struct cursor *c, size_t max, int64_t *off, size_t *len)
{
  while (c->i < c->list->n) {
    const struct extent *e = &c->list->v[c->i];
    int64_t end = e->offset + e->length;
    if (c->pos < e->offset)
      c->pos = e->offset;
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

/* A free buffer: from the free list, else a new one while fewer than
 * DEPTH exist; NULL when all are busy, or with *OOM set when none can be
 * made.  *NALLOC counts them. */
static struct slot *
take_slot (struct engine *e, size_t rsize, unsigned depth, unsigned *nalloc,
           struct slot **all, bool *oom, struct vmerr *err)
{
  struct slot *s;

  pthread_mutex_lock (&e->lock);
  s = e->free_list;
  if (s)
    e->free_list = s->next;
  pthread_mutex_unlock (&e->lock);
  if (s || *nalloc == depth)
    return s;
  /* The slot is followed by its engine pointer (for read_done). */
  s = calloc (1, sizeof *s + sizeof e);
  if (s == NULL || (s->buf = malloc (rsize)) == NULL) {
    free (s);
    *oom = true;
    vmerr_set (err, VMERR_FAILED, "out of memory for copy buffers");
    return NULL;
  }
  *(struct engine **) (s + 1) = e;
  all[(*nalloc)++] = s;
  return s;
}

/* Issue reads until the extents or the buffers run out; -1 on error. */
static int
fill (struct engine *e, struct nbd_handle *h, struct cursor *cur, size_t rsize,
      unsigned depth, unsigned *nalloc, struct slot **all, bool *more, struct vmerr *err)
{
  while (*more) {
    int64_t off;
    size_t len;
    bool oom = false;
    struct slot *s = take_slot (e, rsize, depth, nalloc, all, &oom, err);
    if (s == NULL)
      return oom ? -1 : 0;
    if (!cursor_next (cur, rsize, &off, &len)) {
      *more = false;
      pthread_mutex_lock (&e->lock);
      give_back_locked (e, s);
      pthread_mutex_unlock (&e->lock);
      return 0;
    }
    s->offset = off;
    s->len = len;
    if (nbd_aio_pread (h, s->buf, len, (uint64_t) off,
                       (nbd_completion_callback) { .callback = read_done, .user_data = s },
                       0) == -1) {
      vmerr_set (err, VMERR_COPY, "reading the source at %" PRId64 ": %s", off, nbd_get_error ());
      pthread_mutex_lock (&e->lock);
      give_back_locked (e, s);
      pthread_mutex_unlock (&e->lock);
      return -1;
    }
    e->in_flight++;
  }
  return 0;
}

int
copy_extents (const char *socket, struct target *t, const struct extent_list *list,
              const struct copy_opts *opts, struct copy_stats *stats, struct vmerr *err)
{
  size_t rsize = opts->request_size ? opts->request_size : 2 << 20;
  unsigned depth = opts->in_flight ? opts->in_flight : 16;
  unsigned nwriters = opts->writers ? opts->writers : 4;
  struct nbd_handle *h = nbd_create ();
  struct slot **all = calloc (depth, sizeof *all);
  struct cursor cur = { list, 0, 0 };
  struct engine e = { .t = t, .skip_zeros = opts->skip_zeros, .stats = stats,
                      .prog = opts->prog };
  double start = clock_now ();
  pthread_t threads[MAX_WRITERS];
  unsigned nthreads = 0, nalloc = 0;
  bool more = true;
  int rc = -1;

  memset (stats, 0, sizeof *stats);
  if (nwriters > MAX_WRITERS)
    nwriters = MAX_WRITERS;
  pthread_mutex_init (&e.lock, NULL);
  pthread_cond_init (&e.work, NULL);
  pthread_cond_init (&e.freed, NULL);
  if (h == NULL || all == NULL) {
    vmerr_set (err, VMERR_FAILED, "out of memory");
    goto out;
  }
  if (nbd_connect_unix (h, socket) == -1) {
    vmerr_set (err, VMERR_COPY, "connecting to the source NBD server: %s", nbd_get_error ());
    goto out;
  }
  int64_t src_size = nbd_get_size (h);
  if (list->n > 0 && src_size < list->v[list->n - 1].offset + list->v[list->n - 1].length) {
    vmerr_set (err, VMERR_COPY, "the source serves %" PRId64 " bytes, less than the disk's "
               "changed areas need", src_size);
    goto out;
  }
  for (; nthreads < nwriters; nthreads++)
    if (pthread_create (&threads[nthreads], NULL, writer, &e) != 0) {
      if (nthreads == 0) {
        vmerr_set (err, VMERR_FAILED, "cannot start a writer thread");
        goto out;
      }
      break;
    }

  /* ERR may hold an earlier, handled error: failure is tracked here. */
  bool stopped = false;
  for (;;) {
    if (fill (&e, h, &cur, rsize, depth, &nalloc, all, &more, err) == -1) {
      stopped = true;
      break;
    }
    pthread_mutex_lock (&e.lock);
    bool failed = e.failed;
    pthread_mutex_unlock (&e.lock);
    if (failed)
      break;
    if (interrupted ()) {
      vmerr_set (err, VMERR_INTERRUPTED, "interrupted by signal %d during the copy",
                 interrupt_signal ());
      stopped = true;
      break;
    }
    if (e.in_flight == 0) {
      if (!more)
        break;
      /* Every buffer is queued or being written: wait for one. */
      pthread_mutex_lock (&e.lock);
      while (e.free_list == NULL && !e.failed)
        pthread_cond_wait (&e.freed, &e.lock);
      pthread_mutex_unlock (&e.lock);
      continue;
    }
    if (nbd_poll (h, -1) == -1) {
      vmerr_set (err, VMERR_COPY, "waiting for the source: %s", nbd_get_error ());
      stopped = true;
      break;
    }
  }
  /* Reads still in flight write into our buffers: let them retire. */
  while (e.in_flight > 0 && !nbd_aio_is_dead (h) && !nbd_aio_is_closed (h))
    if (nbd_poll (h, 1000) == -1)
      break;
  pthread_mutex_lock (&e.lock);
  e.stop = true;
  pthread_cond_broadcast (&e.work);
  pthread_mutex_unlock (&e.lock);
  for (unsigned k = 0; k < nthreads; k++)
    pthread_join (threads[k], NULL);
  nthreads = 0;
  if (!stopped && e.failed) {
    *err = e.err;
    stopped = true;
  }
  if (!stopped) {
    stats->seconds = clock_now () - start;
    rc = 0;
  }
out:
  if (h) {
    nbd_shutdown (h, 0);
    nbd_close (h);
  }
  for (unsigned k = 0; all && k < nalloc; k++) {
    free (all[k]->buf);
    free (all[k]);
  }
  free (all);
  pthread_cond_destroy (&e.freed);
  pthread_cond_destroy (&e.work);
  pthread_mutex_destroy (&e.lock);
  return rc;
}

int
copy_zero_complement (struct target *t, const struct extent_list *list, int64_t capacity,
                      struct copy_stats *stats, struct vmerr *err)
{
  int64_t pos = 0;

  for (size_t i = 0; i <= list->n; i++) {
    int64_t next = i < list->n ? list->v[i].offset : capacity;
    if (next > pos) {
      if (target_zero (t, pos, next - pos, err) == -1)
        return -1;
      stats->bytes_zeroed += next - pos;
    }
    if (i < list->n)
      pos = list->v[i].offset + list->v[i].length;
  }
  return 0;
}
