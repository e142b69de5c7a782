/* Fuzz target: the body of Keystone's POST /v3/auth/tokens reply through
 * os_token_parse, then its catalog through os_catalog_endpoint for the
 * services vmigrate looks up, and the input as a timestamp. */
#include "fuzz.h"
#include "keystone.h"

#include <stdlib.h>
#include <string.h>

static void
lookup (json_object *catalog, const char *const *types, const char *region,
        const char *interface)
{
  struct vmerr err = { 0 };
  char *url = os_catalog_endpoint (catalog, types, region, interface, &err);

  if (url == NULL && err.code == 0)
    abort ();
  if (url && url[0] != '\0' && url[strlen (url) - 1] == '/')
    abort ();  /* promised without a trailing '/' */
  free (url);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const char *const volume[] = { "block-storage", "volumev3", "volume", NULL };
  static const char *const compute[] = { "compute", NULL };
  struct vmerr err = { 0 };
  struct os_token_info ti;
  time_t t;
  char *s;

  if (os_token_parse ((const char *) data, size, &ti, &err) == 0 && ti.catalog) {
    lookup (ti.catalog, volume, "RegionOne", "public");
    lookup (ti.catalog, volume, NULL, "internal");
    lookup (ti.catalog, compute, "RegionOne", "admin");
  }
  os_token_info_free (&ti);
  /* Timestamps are short: the parser's own input, not a whole reply. */
  if (size < 64) {
    s = fuzz_strndup (data, size);
    (void) os_parse_time (s, &t);
    free (s);
  }
  return 0;
}
