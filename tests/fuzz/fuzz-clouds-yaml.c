/* Fuzz target: a clouds.yaml file through os_auth_from_clouds_file, for
 * the cloud "lab", alone and with itself as secure.yaml (the merge).  The
 * loader takes a path: the input is written to a memory file and named
 * by its /proc/self/fd path. */
#include "fuzz.h"
#include "clouds.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static void
load (const char *path, const char *secure)
{
  struct os_auth a;
  struct vmerr err = { 0 };

  if (os_auth_from_clouds_file (&a, path, secure, "lab", &err) == -1 && err.code == 0)
    abort ();
  os_auth_free (&a);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static int fd = -1;
  char path[64];

  /* One file for every input: a new file each time would cost more than
   * the parse. */
  if (fd == -1 && (fd = memfd_create ("clouds.yaml", 0)) == -1)
    abort ();
  if (ftruncate (fd, 0) == -1 || pwrite (fd, data, size, 0) != (ssize_t) size)
    abort ();
  snprintf (path, sizeof path, "/proc/self/fd/%d", fd);
  load (path, NULL);
  load (path, path);
  return 0;
}
