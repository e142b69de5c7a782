#ifndef VMIGRATE_LIB_CLOCK_H
#define VMIGRATE_LIB_CLOCK_H

/* Thread-safe. */

/* Monotonic time in seconds, for timeouts, rates and durations. */
double clock_now (void);

/* Sleep SECONDS (fractions allowed); a signal cuts it short, so callers
 * re-check their state after it. */
void clock_sleep (double seconds);

#endif
