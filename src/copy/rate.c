/* The --max-rate throttle: a virtual clock of when the next byte may be
 * read.  Each reservation moves it on by len / rate; idle time is not
 * saved up beyond a short burst, so the rate stays steady. */
#include "rate.h"
#include "clock.h"

#include <pthread.h>
#include <stdlib.h>

/* Credit kept across idle time: enough for a few requests in a row. */
#define BURST_S 0.05

struct rate {
  pthread_mutex_t lock;
  double bytes_per_s;
  double next;          /* when the next reservation may start */
};

struct rate *
rate_new (int64_t bytes_per_s)
{
  struct rate *r;

  if (bytes_per_s <= 0 || (r = calloc (1, sizeof *r)) == NULL)
    return NULL;
  pthread_mutex_init (&r->lock, NULL);
  r->bytes_per_s = (double) bytes_per_s;
  r->next = clock_now ();
  return r;
}

void
rate_free (struct rate *r)
{
  if (r == NULL)
    return;
  pthread_mutex_destroy (&r->lock);
  free (r);
}

double
rate_reserve (struct rate *r, int64_t len)
{
  double now = clock_now (), at;

  if (r == NULL)
    return now;
  pthread_mutex_lock (&r->lock);
  if (r->next < now - BURST_S)
    r->next = now - BURST_S;
  at = r->next;
  r->next += (double) len / r->bytes_per_s;
  pthread_mutex_unlock (&r->lock);
  return at;
}
