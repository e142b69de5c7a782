#ifndef VMIGRATE_LIB_WAIT_UNTIL_H
#define VMIGRATE_LIB_WAIT_UNTIL_H

#include <stdbool.h>

#include "error.h"

/* Polling until something is true (a vSphere task done, a Cinder status
 * reached, a device node present, a guest off, nbdkit serving): the one
 * loop, on the monotonic clock, with a growing delay.  Thread-safe. */

struct wait_spec {
  double timeout_s;      /* give up after this long (0: probe once) */
  double first_delay_s;  /* sleep after the first unsuccessful probe */
  double max_delay_s;    /* the delay grows by half each time up to this */
  bool interruptible;    /* SIGINT/SIGTERM end the wait (never for waits
                          * that cleanup needs: detach, snapshot removal) */
};

enum wait_result {
  WAIT_DONE = 0,          /* the probe said done */
  WAIT_FAILED = -1,       /* the probe failed; err set by it */
  WAIT_TIMEOUT = -2,      /* timeout_s passed; err untouched, the caller says what */
  WAIT_INTERRUPTED = -3,  /* a signal arrived; err untouched */
};

/* Says 1 when done, 0 for not yet, -1 on failure with err set. */
typedef int (*wait_probe) (void *opaque, struct vmerr *err);

/* Probe, sleep, probe again until done, failed, timed out or
 * interrupted (checked before each probe). */
enum wait_result wait_until (const struct wait_spec *spec, wait_probe probe, void *opaque,
                             struct vmerr *err);

#endif
