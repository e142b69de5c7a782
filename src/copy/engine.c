/* Pipelined NBD reads (libnbd AIO) written in order to the target. */
#include "engine.h"
#include "progress.h"
#include "interrupt.h"

#include <inttypes.h>
#include <libnbd.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct slot {
  char *buf;       /* request_size bytes */
  int64_t offset;  /* where it was read from / goes to */
  size_t len;      /* bytes */
  bool done;       /* completion callback ran */
  int error;       /* errno from libnbd, 0 = ok */
};

static int
read_done (void *user_data, int *error)
{
  struct slot *s = user_data;
  s->done = true;
  s->error = *error;
  return 1; /* retire the command */
}

static bool
all_zero (const char *buf, size_t len)
{
  return len == 0 || (buf[0] == 0 && memcmp (buf, buf + 1, len - 1) == 0);
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

/* Wait for every issued read to retire, so buffers can be freed. */
static void
drain (struct nbd_handle *h, struct slot *slots, unsigned n)
{
  for (unsigned k = 0; k < n; k++)
    while (slots[k].buf && !slots[k].done && !nbd_aio_is_dead (h) && !nbd_aio_is_closed (h))
      if (nbd_poll (h, 1000) == -1)
        break;
}

int
copy_extents (const char *socket, struct target *t, const struct extent_list *list,
              const struct copy_opts *opts, struct copy_stats *stats, struct vmerr *err)
{
  size_t rsize = opts->request_size ? opts->request_size : 2 << 20;
  unsigned depth = opts->in_flight ? opts->in_flight : 16;
  struct nbd_handle *h = nbd_create ();
  struct slot *slots = calloc (depth, sizeof *slots);
  struct cursor cur = { list, 0, 0 };
  struct progress prog;
  unsigned head = 0, used = 0;
  int rc = -1;

  memset (stats, 0, sizeof *stats);
  if (h == NULL || slots == NULL) {
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
  progress_start (&prog, opts->label ? opts->label : "copy", extent_total (list));

  for (;;) {
    /* Keep the pipeline full. */
    while (used < depth) {
      struct slot *s = &slots[(head + used) % depth];
      int64_t off;
      size_t len;
      if (!cursor_next (&cur, rsize, &off, &len))
        break;
      if (s->buf == NULL && (s->buf = malloc (rsize)) == NULL) {
        vmerr_set (err, VMERR_FAILED, "out of memory for copy buffers");
        goto drain_out;
      }
      *s = (struct slot) { s->buf, off, len, false, 0 };
      if (nbd_aio_pread (h, s->buf, len, (uint64_t) off,
                         (nbd_completion_callback) { .callback = read_done, .user_data = s },
                         0) == -1) {
        vmerr_set (err, VMERR_COPY, "reading the source at %" PRId64 ": %s", off, nbd_get_error ());
        s->done = true;
        goto drain_out;
      }
      used++;
    }
    if (used == 0)
      break;
    if (interrupted ()) {
      vmerr_set (err, VMERR_INTERRUPTED, "interrupted by signal %d during the copy of %s",
                 interrupt_signal (), prog.label);
      goto drain_out;
    }
    /* Complete the oldest read and write it, keeping target writes ordered. */
    struct slot *s = &slots[head];
    while (!s->done)
      if (nbd_poll (h, -1) == -1) {
        vmerr_set (err, VMERR_COPY, "waiting for the source: %s", nbd_get_error ());
        goto drain_out;
      }
    if (s->error) {
      vmerr_set (err, VMERR_COPY, "reading %zu bytes at offset %" PRId64 " of the source: %s",
                 s->len, s->offset, strerror (s->error));
      goto drain_out;
    }
    stats->bytes_read += (int64_t) s->len;
    if (all_zero (s->buf, s->len)) {
      if (target_zero (t, s->offset, (int64_t) s->len, err) == -1)
        goto drain_out;
      stats->bytes_zeroed += (int64_t) s->len;
    }
    else {
      if (target_pwrite (t, s->buf, s->len, s->offset, err) == -1)
        goto drain_out;
      stats->bytes_written += (int64_t) s->len;
    }
    progress_add (&prog, (int64_t) s->len);
    head = (head + 1) % depth;
    used--;
  }
  stats->seconds = progress_finish (&prog);
  rc = 0;
  goto out;
drain_out:
  drain (h, slots, depth);
out:
  if (h) {
    nbd_shutdown (h, 0);
    nbd_close (h);
  }
  for (unsigned k = 0; slots && k < depth; k++)
    free (slots[k].buf);
  free (slots);
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
