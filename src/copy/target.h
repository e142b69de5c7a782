#ifndef VMIGRATE_COPY_TARGET_H
#define VMIGRATE_COPY_TARGET_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Where copied data goes: the attached volume's block device, or a plain
 * file (the lab's volumes, tests).  Opaque: the kind of target is chosen
 * by target_open and only its ops (target-internal.h) know it; the engine
 * calls the functions below.  A target may be written and read from
 * several threads at different offsets; open and close have one owner. */

struct target;

/* Open PATH (following symlinks such as /dev/disk/by-id/virtio-...). */
struct target *target_open (const char *path, struct vmerr *err);
void target_close (struct target *t);

/* Size in bytes. */
int64_t target_size (const struct target *t);

/* Write LEN bytes at OFFSET, all of them or fail. */
int target_pwrite (struct target *t, const void *buf, size_t len, int64_t offset,
                   struct vmerr *err);

/* Make [OFFSET, +LEN) read as zeroes (cheaply where the device can). */
int target_zero (struct target *t, int64_t offset, int64_t len, struct vmerr *err);

/* Make everything written so far durable, and drop what the page cache
 * holds of it, so that a later read sees the device. */
int target_flush (struct target *t, struct vmerr *err);

/* Read LEN bytes at OFFSET, all of them or fail (--verify). */
int target_pread (struct target *t, void *buf, size_t len, int64_t offset, struct vmerr *err);

#endif
