/* Monotonic clock and sleeping, shared by every polling loop. */
#include "clock.h"

#include <time.h>

double
clock_now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

void
clock_sleep (double seconds)
{
  struct timespec ts;

  if (seconds <= 0)
    return;
  ts.tv_sec = (time_t) seconds;
  ts.tv_nsec = (long) ((seconds - (double) ts.tv_sec) * 1e9);
  nanosleep (&ts, NULL);
}
