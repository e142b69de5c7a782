#ifndef VMIGRATE_VSPHERE_SNAPSHOT_H
#define VMIGRATE_VSPHERE_SNAPSHOT_H

#include "vm.h"

/* Not thread-safe: calls on one vs_conn come from one thread at a time. */

/* Snapshots taken by vmigrate are named with this prefix, so a later run
 * can recognise (and remove) what a killed run left behind. */
#define VS_SNAPSHOT_PREFIX "vmigrate-"

/* Create a snapshot of every disk of the VM (no memory, not quiesced
 * unless QUIESCE); *moref gets the snapshot's moref. */
int vs_snapshot_create (struct vs_conn *c, const char *vm_moref, const char *name,
                        bool quiesce, char **moref, struct vmerr *err);

/* Remove one snapshot (consolidating) and wait for it. */
int vs_snapshot_remove (struct vs_conn *c, const char *snap_moref, struct vmerr *err);

/* Remove every snapshot of VM whose name starts with VS_SNAPSHOT_PREFIX;
 * *removed counts them.  Other snapshots are left alone. */
int vs_snapshot_remove_ours (struct vs_conn *c, const struct vs_vm *vm, int *removed,
                             struct vmerr *err);

#endif
