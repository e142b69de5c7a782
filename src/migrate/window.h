#ifndef VMIGRATE_MIGRATE_WINDOW_H
#define VMIGRATE_MIGRATE_WINDOW_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "error.h"
#include "disk-volume.h"
#include "progress.h"
#include "soap.h"
#include "vm.h"

/* Not thread-safe: a window belongs to one run. */

/* One copy window: one snapshot of the whole VM (all disks at one
 * instant), each disk's changed areas copied to its volume (attached here
 * when there is something to write), up to --parallel-disks disks at once,
 * each flushed (and verified) before the snapshot's changeId is recorded
 * on its volume.  The snapshot is removed whatever happens; volumes stay
 * attached for the caller to detach. */

struct window_disk {
  const struct vs_disk *disk;  /* the VM disk (key, file) */
  struct disk_volume *vol;     /* its volume */
  bool force_full;             /* copy everything (new volume, resize, incomplete seed) */
  bool fresh;                  /* created by this run and not yet written: the only volume
                                  a full copy may trust to read as zeroes */
  /* Results. */
  bool was_full;               /* a full copy was done (first window or resync) */
  int64_t bytes;               /* bytes copied (data + zeroes) */
  double seconds;              /* copy time */
  double verify_seconds;       /* --verify's time; < 0 when not verified */
  unsigned connections;        /* NBD connections the copy used (0: nothing to copy) */
};

struct window_result {
  int64_t bytes;               /* all disks */
  double seconds;              /* snapshot to snapshot removal */
};

int window_run (const struct config *cfg, struct vs_conn *vs, struct volume_ctx *vx,
                const struct vs_vm *vm, struct window_disk *disks, size_t n,
                struct progress_sink *progress, struct window_result *res, struct vmerr *err);

#endif
