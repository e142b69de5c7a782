/* Reading and writing the migration state of a volume's metadata. */
#include "state.h"
#include "parse-bool.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

bool
state_true (const struct kv *meta, const char *key)
{
  return parse_bool (kv_get (meta, key)) == 1;
}

bool
state_copy_is (const struct kv *meta, const char *value)
{
  const char *s = kv_get (meta, META_COPY_STATE);
  return s && strcmp (s, value) == 0;
}

bool
state_conversion_is (const struct kv *meta, const char *value)
{
  const char *s = kv_get (meta, META_CONVERSION);
  return s && strcmp (s, value) == 0;
}

void
state_utc_now (char *buf, size_t n)
{
  time_t t = time (NULL);
  struct tm tm;
  gmtime_r (&t, &tm);
  strftime (buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int
state_window_done (struct kv *out, const struct kv *prev, const char *change_id,
                   int64_t bytes, double seconds, int64_t capacity)
{
  char when[32], num[4][32];
  const char *w = kv_get (prev, META_WINDOWS);

  state_utc_now (when, sizeof when);
  snprintf (num[0], sizeof num[0], "%" PRId64, bytes);
  snprintf (num[1], sizeof num[1], "%.1f", seconds);
  snprintf (num[2], sizeof num[2], "%ld", (w ? strtol (w, NULL, 10) : 0) + 1);
  snprintf (num[3], sizeof num[3], "%" PRId64, capacity);
  if ((change_id && kv_set (out, META_CHANGE_ID, change_id) == -1) ||
      kv_set (out, META_COPY_STATE, COPY_STATE_COMPLETE) == -1 ||
      kv_set (out, META_LAST_WINDOW, when) == -1 || kv_set (out, META_LAST_BYTES, num[0]) == -1 ||
      kv_set (out, META_LAST_SECONDS, num[1]) == -1 || kv_set (out, META_WINDOWS, num[2]) == -1 ||
      kv_set (out, META_CAPACITY, num[3]) == -1)
    return -1;
  return 0;
}
