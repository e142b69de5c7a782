/* The polling loop with backoff. */
#include "wait-until.h"
#include "clock.h"
#include "interrupt.h"

enum wait_result
wait_until (const struct wait_spec *spec, wait_probe probe, void *opaque, struct vmerr *err)
{
  double deadline = clock_now () + spec->timeout_s, delay = spec->first_delay_s;

  for (;;) {
    if (spec->interruptible && interrupted ())
      return WAIT_INTERRUPTED;
    int r = probe (opaque, err);
    if (r == 1)
      return WAIT_DONE;
    if (r == -1)
      return WAIT_FAILED;
    if (clock_now () >= deadline)
      return WAIT_TIMEOUT;
    clock_sleep (delay);
    delay = delay * 1.5 > spec->max_delay_s ? spec->max_delay_s : delay * 1.5;
  }
}
