/* copy-probe: drive the copy engine alone, as the scenario tests of
 * tests/copy/ need (no lab: an nbdkit server and a target file).
 *
 *   copy-probe SOCKET TARGET OFF:LEN[,OFF:LEN...] [skip-zeros] [writers=N] [requests=N]
 *              [connections=N] [request-size=N] [max-rate=BYTES] [complement=CAPACITY]
 *              [verify] [verify-only] [no-flush]
 *
 * Copies the extents (not with verify-only), zeroes the complement when
 * asked, flushes (not with no-flush: the page-cache test looks at what the
 * copy itself left cached), verifies when asked, prints "read R written W zeroed Z
 * compared C connections N" and exits with the error's code. */
#include "clock.h"
#include "engine.h"
#include "interrupt.h"
#include "log.h"
#include "target.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
parse_extents (const char *text, struct extent_list *l, struct vmerr *err)
{
  char *copy = strdup (text), *save = NULL;

  if (copy == NULL)
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  for (char *tok = strtok_r (copy, ",", &save); tok; tok = strtok_r (NULL, ",", &save)) {
    long long off, len;
    if (sscanf (tok, "%lld:%lld", &off, &len) != 2 ||
        extent_append (l, off, len, INT64_MAX, err) != 0) {
      free (copy);
      return vmerr_set (err, VMERR_USAGE, "bad extent '%s'", tok);
    }
  }
  free (copy);
  return 0;
}

int
main (int argc, char **argv)
{
  struct vmerr err = { 0 };
  struct extent_list l = { 0 };
  struct copy_opts o = { 0 };
  struct copy_stats st = { 0 };
  int64_t complement = -1;
  struct rate *rate = NULL;
  bool verify = false, copy = true, flush = true;
  struct copy_stats vst = { 0 };
  struct target *t = NULL;
  int rc = -1;

  if (argc < 4) {
    fprintf (stderr, "usage: copy-probe SOCKET TARGET OFF:LEN[,...] [options]\n");
    return 2;
  }
  interrupt_install ();
  log_open (0, NULL);
  for (int i = 4; i < argc; i++) {
    if (strcmp (argv[i], "skip-zeros") == 0)
      o.skip_zeros = true;
    else if (strncmp (argv[i], "writers=", 8) == 0)
      o.writers = (unsigned) atoi (argv[i] + 8);
    else if (strncmp (argv[i], "requests=", 9) == 0)
      o.requests = (unsigned) atoi (argv[i] + 9);
    else if (strncmp (argv[i], "connections=", 12) == 0)
      o.connections = (unsigned) atoi (argv[i] + 12);
    else if (strncmp (argv[i], "max-rate=", 9) == 0)
      rate = rate_new (atoll (argv[i] + 9));
    else if (strcmp (argv[i], "verify") == 0)
      verify = true;
    else if (strcmp (argv[i], "verify-only") == 0)
      verify = true, copy = false;
    else if (strcmp (argv[i], "no-flush") == 0)
      flush = false;
    else if (strncmp (argv[i], "request-size=", 13) == 0)
      o.request_size = (size_t) atol (argv[i] + 13);
    else if (strncmp (argv[i], "complement=", 11) == 0)
      complement = atoll (argv[i] + 11);
    else {
      fprintf (stderr, "copy-probe: unknown option %s\n", argv[i]);
      return 2;
    }
  }
  if (parse_extents (argv[3], &l, &err) == -1 || (t = target_open (argv[2], &err)) == NULL)
    goto out;
  o.rate = rate;
  if (copy && copy_extents (argv[1], t, &l, &o, &st, &err) == -1)
    goto out;
  if (complement >= 0 && copy_zero_complement (t, &l, complement, NULL, &st, &err) == -1)
    goto out;
  double f0 = clock_now ();
  if (flush && target_flush (t, &err) == -1)
    goto out;
  fprintf (stderr, "copy %.3f s, flush %.3f s\n", st.seconds, clock_now () - f0);
  if (verify && copy_verify (argv[1], t, &l, &o, &vst, &err) == -1)
    goto out;
  printf ("read %" PRId64 " written %" PRId64 " zeroed %" PRId64 " compared %" PRId64
          " connections %u\n", st.bytes_read, st.bytes_written, st.bytes_zeroed,
          vst.bytes_compared, copy ? st.connections : vst.connections);
  rc = 0;
out:
  if (rc == -1)
    fprintf (stderr, "copy-probe: %s\n", err.msg);
  target_close (t);
  rate_free (rate);
  extent_list_free (&l);
  log_close ();
  return rc == -1 ? err.code : 0;
}
