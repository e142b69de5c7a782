/* Opening a target, choosing its ops by what the path is, and the calls
 * that go through them. */
#include "target-internal.h"

#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

struct target *
target_open (const char *path, struct vmerr *err)
{
  struct target *t = calloc (1, sizeof *t);
  struct stat st;

  if (t == NULL) {
    vmerr_set (err, VMERR_FAILED, "out of memory");
    return NULL;
  }
  pthread_mutex_init (&t->lock, NULL);
  t->fd = open (path, O_RDWR | O_CLOEXEC);
  if (t->fd == -1 || fstat (t->fd, &st) == -1) {
    vmerr_set (err, VMERR_COPY, "cannot open the target %s: %s", path, strerror (errno));
    goto fail;
  }
  t->path = strdup (path);
  if (S_ISBLK (st.st_mode)) {
    uint64_t size;
    if (ioctl (t->fd, BLKGETSIZE64, &size) == -1) {
      vmerr_set (err, VMERR_COPY, "cannot read the size of %s: %s", path, strerror (errno));
      goto fail;
    }
    t->size = (int64_t) size;
    t->ops = &target_block_ops;
  }
  else if (S_ISREG (st.st_mode)) {
    t->size = st.st_size;
    t->ops = &target_file_ops;
  }
  else {
    vmerr_set (err, VMERR_COPY, "the target %s is neither a block device nor a file", path);
    goto fail;
  }
  return t;
fail:
  target_close (t);
  return NULL;
}

void
target_close (struct target *t)
{
  if (t == NULL)
    return;
  if (t->fd >= 0)
    close (t->fd);
  free (t->path);
  pthread_mutex_destroy (&t->lock);
  free (t);
}

int64_t
target_size (const struct target *t)
{
  return t->size;
}

int
target_pwrite (struct target *t, const void *buf, size_t len, int64_t offset, struct vmerr *err)
{
  return t->ops->pwrite (t, buf, len, offset, err);
}

int
target_zero (struct target *t, int64_t offset, int64_t len, struct vmerr *err)
{
  return t->ops->zero (t, offset, len, err);
}

int
target_flush (struct target *t, struct vmerr *err)
{
  return t->ops->flush (t, err);
}

int
target_pread (struct target *t, void *buf, size_t len, int64_t offset, struct vmerr *err)
{
  char *p = buf;

  while (len > 0) {
    ssize_t n = pread (t->fd, p, len, offset);
    if (n == -1 && errno == EINTR)
      continue;
    if (n <= 0)
      return vmerr_set (err, VMERR_COPY, "reading %zu bytes at offset %" PRId64 " of %s: %s",
                        len, offset, t->path, n == 0 ? "end of device" : strerror (errno));
    p += n;
    len -= (size_t) n;
    offset += n;
  }
  return 0;
}
