#ifndef VMIGRATE_COPY_TARGET_H
#define VMIGRATE_COPY_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Where copied data goes: the attached volume's block device, or a plain
 * file (the lab's volumes, tests).  The engine only calls the ops. */

struct target;

struct target_ops {
  const char *name;  /* "block" or "file", for logs */
  /* Write LEN bytes at OFFSET, all of them or fail. */
  int (*pwrite) (struct target *t, const void *buf, size_t len, int64_t offset, struct vmerr *err);
  /* Make [OFFSET, +LEN) read as zeroes (cheaply where the device can). */
  int (*zero) (struct target *t, int64_t offset, int64_t len, struct vmerr *err);
  /* Make everything written so far durable. */
  int (*flush) (struct target *t, struct vmerr *err);
};

struct target {
  const struct target_ops *ops;  /* block or file */
  int fd;                        /* open read-write */
  char *path;                    /* as opened (owned) */
  int64_t size;                  /* bytes */
};

/* Open PATH (following symlinks such as /dev/disk/by-id/virtio-...). */
struct target *target_open (const char *path, struct vmerr *err);
void target_close (struct target *t);

extern const struct target_ops target_file_ops;
extern const struct target_ops target_block_ops;

#endif
