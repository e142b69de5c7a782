/* Finding the virtio-win drivers before a Windows guest is stopped. */
#include "virtio-win.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A directory (unpacked drivers) or a regular file (the ISO). */
static int
usable (const char *path)
{
  struct stat st;

  if (stat (path, &st) == -1)
    return -errno;
  return S_ISDIR (st.st_mode) || S_ISREG (st.st_mode) ? 0 : -EINVAL;
}

int
virtio_win_find (const char *path, char **found, struct vmerr *err)
{
  static const char *const defaults[] = {
    VIRTIO_WIN_DEFAULT, VIRTIO_WIN_DEFAULT "/virtio-win.iso", NULL,
  };

  *found = NULL;
  if (path && *path) {
    int e = usable (path);
    if (e < 0)
      return vmerr_set (err, VMERR_PRECONDITION, "virtio-win drivers: %s: %s (--virtio-win / "
                        "VIRTIO_WIN must name the virtio-win ISO or its unpacked directory); "
                        "the guest was not stopped", path,
                        e == -EINVAL ? "neither a file nor a directory" : strerror (-e));
    *found = strdup (path);
  }
  else
    for (int i = 0; defaults[i] && *found == NULL; i++)
      if (usable (defaults[i]) == 0)
        *found = strdup (defaults[i]);
  if (*found == NULL && (path == NULL || *path == '\0'))
    return vmerr_set (err, VMERR_PRECONDITION, "a Windows guest needs the virtio-win drivers "
                      "to boot on KVM, and the converter finds none (%s): download "
                      "virtio-win.iso (https://fedorapeople.org/groups/virt/virtio-win/) and "
                      "give --virtio-win PATH (or VIRTIO_WIN); the guest was not stopped",
                      VIRTIO_WIN_DEFAULT);
  if (*found == NULL)
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  return 0;
}
