#ifndef VMIGRATE_COPY_RATE_H
#define VMIGRATE_COPY_RATE_H

#include <stdint.h>

/* Thread-safe: one limiter is shared by every disk of a VM and every
 * connection of each disk (--max-rate is per VM). */

/* A steady throttle: reads are spaced so that the bytes read never run
 * ahead of BYTES_PER_S by more than one short burst. */

struct rate;

/* NULL when BYTES_PER_S is 0 (no limit) or memory ran out; every call
 * below accepts NULL (no limit). */
struct rate *rate_new (int64_t bytes_per_s);
void rate_free (struct rate *r);

/* Reserve LEN bytes: the monotonic time (clock_now) at which the read may
 * start; now or earlier when under the limit. */
double rate_reserve (struct rate *r, int64_t len);

#endif
