/* Target ops for a block device (the attached Cinder volume). */
#include "target-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static int
block_zero (struct target *t, int64_t offset, int64_t len, struct vmerr *err)
{
  uint64_t range[2] = { (uint64_t) offset, (uint64_t) len };

  /* A punched hole on a block device is a guaranteed-zero write-zeroes
   * that may also unmap (thin backends free the space) and never falls
   * back to writing; BLKZEROOUT keeps the blocks mapped and writes zero
   * pages where the device cannot zero by itself. */
  if (fallocate (t->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, len) == 0)
    return 0;
  if (ioctl (t->fd, BLKZEROOUT, range) == 0)
    return 0;
  return target_write_zeroes (t, offset, len, err);
}

static int
block_flush (struct target *t, struct vmerr *err)
{
  /* fsync sends a cache flush to the device; BLKFLSBUF also drops the
   * page cache so a later reader sees the device, not our buffers. */
  if (fsync (t->fd) == -1)
    return vmerr_set (err, VMERR_COPY, "fsync %s: %s", t->path, strerror (errno));
  ioctl (t->fd, BLKFLSBUF, 0);
  return 0;
}

const struct target_ops target_block_ops = {
  .name = "block",
  .pwrite = target_pwrite_all,
  .zero = block_zero,
  .flush = block_flush,
};
