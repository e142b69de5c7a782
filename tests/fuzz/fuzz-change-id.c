/* Fuzz target: changeId strings ("<uuid>/<seq>") through
 * vs_change_id_parse, into buffers of the sizes callers use and smaller. */
#include "fuzz.h"
#include "cbt.h"

#include <stdlib.h>
#include <string.h>

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const size_t sizes[] = { 1, 2, 37, 64, 128 };
  char *id = fuzz_strndup (data, size);

  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
    /* Exactly the size given, so ASan sees a write past it. */
    char *uuid = malloc (sizes[i]);
    long seq = -1;
    if (uuid == NULL)
      abort ();
    if (vs_change_id_parse (id, uuid, sizes[i], &seq)) {
      size_t n = strnlen (uuid, sizes[i]);
      if (n == sizes[i] || n == 0 || seq < 0 || strncmp (id, uuid, n) != 0 || id[n] != '/')
        abort ();
    }
    free (uuid);
  }
  free (id);
  return 0;
}
