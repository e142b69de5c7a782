#ifndef VMIGRATE_COPY_TARGET_INTERNAL_H
#define VMIGRATE_COPY_TARGET_INTERNAL_H

#include "target.h"

/* Thread safety as target.h: the ops only use pwrite/fallocate/ioctl on the
 * fd; the ring of recent writes has its own lock. */

#include <pthread.h>

/* Private to the target files: the ops of each kind of target.  A new
 * kind is one file with its ops table and one case in target_open. */

struct target_ops {
  const char *name;  /* "block" or "file", for logs */
  /* Write LEN bytes at OFFSET, all of them or fail. */
  int (*pwrite) (struct target *t, const void *buf, size_t len, int64_t offset, struct vmerr *err);
  /* Make [OFFSET, +LEN) read as zeroes (cheaply where the device can). */
  int (*zero) (struct target *t, int64_t offset, int64_t len, struct vmerr *err);
  /* Make everything written so far durable. */
  int (*flush) (struct target *t, struct vmerr *err);
};

/* Written ranges whose pages may still sit in the page cache.  Once the
 * writes after a range hold TARGET_RECENT_BYTES (or the ring is full), its
 * writeback is awaited and its pages dropped: the copy keeps reusing a few
 * dozen MiB of cache instead of filling (and, on a VM, faulting in)
 * gigabytes of fresh pages.  This halved the kernel's copy time on the
 * project's bench machine (docs/performance.md). */
enum { TARGET_RECENT = 256 };
#define TARGET_RECENT_BYTES ((int64_t) 32 << 20)

struct target_range {
  int64_t offset, len;
};

struct target {
  const struct target_ops *ops;  /* block or file */
  int fd;                        /* open read-write */
  char *path;                    /* as opened (owned) */
  int64_t size;                  /* bytes */
  pthread_mutex_t lock;          /* guards recent */
  struct target_range recent[TARGET_RECENT];
  unsigned nrecent, head;        /* ring: count, oldest */
  int64_t recent_bytes;          /* bytes in the ring */
};

extern const struct target_ops target_file_ops;
extern const struct target_ops target_block_ops;

/* Shared by both ops tables: pwrite until done. */
int target_pwrite_all (struct target *t, const void *buf, size_t len, int64_t offset,
                       struct vmerr *err);

/* Zeroes by writing them: the portable fallback. */
int target_write_zeroes (struct target *t, int64_t offset, int64_t len, struct vmerr *err);

#endif
