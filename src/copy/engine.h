#ifndef VMIGRATE_COPY_ENGINE_H
#define VMIGRATE_COPY_ENGINE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "progress.h"
#include "rate.h"
#include "target.h"
#include "error.h"
#include "extent.h"

/* Thread-safe: each call opens its own NBD connections and buffers, so disks
 * may be copied from several threads at once (the log keeps lines whole). */

/* The data plane: read extents from an NBD server, write them to a target
 * (or, to verify, compare them with it).  It only moves extents; what to
 * copy is decided by the caller. */

/* Defaults, chosen by bench/ (docs/performance.md). */
#define COPY_REQUEST_SIZE (2 << 20)  /* VDDK's safe maximum per read */
#define COPY_REQUESTS 16             /* reads in flight per disk */
#define COPY_MULTI_CONN 4            /* connections when the server allows multi-conn */
#define COPY_WRITERS 4               /* writer threads per disk */

struct copy_opts {
  size_t request_size;   /* bytes per NBD read; 0 = COPY_REQUEST_SIZE */
  unsigned requests;     /* read buffers per disk, shared by its connections (reads
                            outstanding + writes pending); 0 = COPY_REQUESTS */
  unsigned connections;  /* NBD connections; 0 = COPY_MULTI_CONN if the server
                            advertises multi-conn, else 1 */
  unsigned writers;      /* writer threads; 0 = COPY_WRITERS */
  unsigned share;        /* disks copied at once (0 = 1): the automatic connections
                            and writers are divided among them, since more threads
                            than the host's cores only contend */
  bool skip_zeros;       /* the target reads as zeroes: all-zero data is not written */
  struct progress *prog; /* bytes done are added here; may be NULL */
  struct rate *rate;     /* --max-rate, shared by the VM's disks; may be NULL */
  atomic_bool *cancel;   /* set by another thread (another disk failed): stop; may be NULL */
};

struct copy_stats {
  int64_t bytes_read;     /* from the source */
  int64_t bytes_written;  /* data written to the target */
  int64_t bytes_zeroed;   /* written as zero ranges (all-zero data or gaps) */
  int64_t bytes_compared; /* copy_verify: bytes found equal */
  unsigned connections;   /* NBD connections used */
  double seconds;         /* wall time */
};

/* Memory for data: requests x request_size per call (16 x 2 MiB = 32 MiB
 * by default), plus writers x request_size for copy_verify, whatever the
 * disk size. */

/* Copy every extent of LIST from the NBD server on SOCKET to T at the same
 * offsets.  Does not flush: the caller orders flush before metadata.
 * Stopped by a signal: VMERR_INTERRUPTED; by *cancel: VMERR_COPY. */
int copy_extents (const char *socket, struct target *t, const struct extent_list *list,
                  const struct copy_opts *opts, struct copy_stats *stats, struct vmerr *err);

/* Read every extent of LIST from both the server and T (after its flush)
 * and compare them: VMERR_VERIFY naming the first difference. */
int copy_verify (const char *socket, struct target *t, const struct extent_list *list,
                 const struct copy_opts *opts, struct copy_stats *stats, struct vmerr *err);

/* Zero every byte of [0, CAPACITY) that LIST does not cover (a first copy
 * onto a target that is not known to read as zeroes), reporting to PROG
 * (may be NULL). */
int copy_zero_complement (struct target *t, const struct extent_list *list, int64_t capacity,
                          struct progress *prog, struct copy_stats *stats, struct vmerr *err);

#endif
