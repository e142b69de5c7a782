/* Target ops for a regular file: holes for zeroes, fsync for durability. */
#include "target-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/falloc.h>
#include <string.h>
#include <unistd.h>

/* Remember [OFFSET, +LEN) as written; while the ring holds too much, wait
 * for the oldest ranges' writeback and drop their pages (target-internal.h
 * says why).  An I/O error seen here is the write's error: report it now. */
static int
retire_oldest (struct target *t, int64_t offset, int64_t len, struct vmerr *err)
{
  for (;;) {
    struct target_range old = { 0, 0 };

    pthread_mutex_lock (&t->lock);
    if (len > 0 && t->nrecent < TARGET_RECENT) {
      t->recent[(t->head + t->nrecent++) % TARGET_RECENT] = (struct target_range) { offset, len };
      t->recent_bytes += len;
      len = 0;
    }
    if (t->nrecent > 0 && (len > 0 || t->recent_bytes > TARGET_RECENT_BYTES)) {
      old = t->recent[t->head];
      t->head = (t->head + 1) % TARGET_RECENT;
      t->nrecent--;
      t->recent_bytes -= old.len;
    }
    pthread_mutex_unlock (&t->lock);
    if (old.len == 0)
      return 0;
    if (sync_file_range (t->fd, old.offset, old.len, SYNC_FILE_RANGE_WAIT_BEFORE |
                         SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER) == -1 &&
        errno == EIO)
      return vmerr_set (err, VMERR_COPY, "writing back %" PRId64 " bytes at offset %" PRId64
                        " of %s: %s", old.len, old.offset, t->path, strerror (errno));
    posix_fadvise (t->fd, old.offset, old.len, POSIX_FADV_DONTNEED);
  }
}

int
target_pwrite_all (struct target *t, const void *buf, size_t len, int64_t offset,
                   struct vmerr *err)
{
  const char *p = buf;
  int64_t start = offset;

  while (len > 0) {
    ssize_t n = pwrite (t->fd, p, len, offset);
    if (n == -1 && errno == EINTR)
      continue;
    if (n <= 0)
      return vmerr_set (err, VMERR_COPY, "writing %zu bytes at offset %" PRId64 " of %s: %s",
                        len, offset, t->path, n == 0 ? "no progress" : strerror (errno));
    p += n;
    len -= (size_t) n;
    offset += n;
  }
  /* Start writing back now (not waiting): the disk works during the copy
   * and the flush at its end has little left to do. */
  sync_file_range (t->fd, start, offset - start, SYNC_FILE_RANGE_WRITE);
  return retire_oldest (t, start, offset - start, err);
}

int
target_write_zeroes (struct target *t, int64_t offset, int64_t len, struct vmerr *err)
{
  static const char zeroes[1 << 16];

  while (len > 0) {
    size_t n = len > (int64_t) sizeof zeroes ? sizeof zeroes : (size_t) len;
    if (target_pwrite_all (t, zeroes, n, offset, err) == -1)
      return -1;
    offset += (int64_t) n;
    len -= (int64_t) n;
  }
  return 0;
}

static int
file_zero (struct target *t, int64_t offset, int64_t len, struct vmerr *err)
{
  if (fallocate (t->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, len) == 0)
    return 0;
  if (fallocate (t->fd, FALLOC_FL_ZERO_RANGE, offset, len) == 0)
    return 0;
  return target_write_zeroes (t, offset, len, err);
}

static int
file_flush (struct target *t, struct vmerr *err)
{
  if (fsync (t->fd) == -1)
    return vmerr_set (err, VMERR_COPY, "fsync %s: %s", t->path, strerror (errno));
  /* Clean pages only, after the fsync: a later read (--verify) sees the file's blocks. */
  posix_fadvise (t->fd, 0, 0, POSIX_FADV_DONTNEED);
  return 0;
}

const struct target_ops target_file_ops = {
  .name = "file",
  .pwrite = target_pwrite_all,
  .zero = file_zero,
  .flush = file_flush,
};
