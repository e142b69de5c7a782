#ifndef VMIGRATE_GUEST_VIRTIO_WIN_H
#define VMIGRATE_GUEST_VIRTIO_WIN_H

#include "error.h"

/* The virtio-win drivers the converter installs into a Windows guest
 * (virt-v2v reads them from $VIRTIO_WIN: the ISO or its unpacked
 * directory, by default /usr/share/virtio-win).  Thread-safe. */

#define VIRTIO_WIN_DEFAULT "/usr/share/virtio-win"

/* Where the converter will find them: PATH (--virtio-win / VIRTIO_WIN)
 * when given, else the default directory or virtio-win.iso in it.
 * *FOUND malloc'd.  VMERR_PRECONDITION saying what is missing and how to
 * provide it. */
int virtio_win_find (const char *path, char **found, struct vmerr *err);

#endif
