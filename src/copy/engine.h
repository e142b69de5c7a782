#ifndef VMIGRATE_COPY_ENGINE_H
#define VMIGRATE_COPY_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "progress.h"
#include "target.h"
#include "error.h"
#include "extent.h"

/* Thread-safe: each call opens its own NBD connection and buffers, so disks
 * may be copied from several threads at once (the log keeps lines whole). */

/* The data plane: read extents from an NBD server, write them to a target.
 * It only moves extents; what to copy is decided by the caller. */

struct copy_opts {
  size_t request_size;   /* bytes per NBD read; 0 = 2 MiB (VDDK's safe maximum) */
  unsigned in_flight;    /* read buffers (reads outstanding + writes pending); 0 = 16 */
  unsigned writers;      /* writer threads; 0 = 4 */
  bool skip_zeros;       /* the target reads as zeroes: all-zero data is not written */
  struct progress *prog; /* bytes done are added here; may be NULL */
};

struct copy_stats {
  int64_t bytes_read;     /* from the source */
  int64_t bytes_written;  /* data written to the target */
  int64_t bytes_zeroed;   /* written as zero ranges (all-zero data or gaps) */
  double seconds;         /* wall time */
};

/* Copy every extent of LIST from the NBD server on SOCKET to T at the same
 * offsets.  Does not flush: the caller orders flush before metadata. */
int copy_extents (const char *socket, struct target *t, const struct extent_list *list,
                  const struct copy_opts *opts, struct copy_stats *stats, struct vmerr *err);

/* Zero every byte of [0, CAPACITY) that LIST does not cover (a first copy
 * onto a target that is not known to read as zeroes). */
int copy_zero_complement (struct target *t, const struct extent_list *list, int64_t capacity,
                          struct copy_stats *stats, struct vmerr *err);

#endif
