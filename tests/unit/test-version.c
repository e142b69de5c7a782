/* The version text names vmigrate and every library it links. */
#include "build-info.h"
#include "version.h"

#include <stdio.h>
#include <string.h>

int
main (void)
{
  const char *v = vmigrate_version_text ();
  const char *want[] = { "vmigrate " VMIGRATE_VERSION "\n", "libcurl ", "libxml2 ", "json-c ",
                         "libnbd " };
  int failed = 0;

  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
    if (strstr (v, want[i]) == NULL) {
      fprintf (stderr, "FAIL: version text lacks '%s':\n%s", want[i], v);
      failed = 1;
    }
  return failed;
}
