#ifndef VMIGRATE_MIGRATE_OWNER_H
#define VMIGRATE_MIGRATE_OWNER_H

#include "run.h"

/* Cluster-wide ownership of a VM: the per-host lock (lock.h) cannot see
 * another conversion host, so a run records itself on the VM's volumes
 * (META_OWNER: host, pid, start) and holds them attached to its host.  It
 * claims them before it cleans up or changes anything, and a run that
 * finds another host's record or attachment changes nothing (exit 8)
 * unless the operator says that run is gone (--take-over).  Not
 * thread-safe: part of one run. */

/* Claim the VM's existing volumes for this run (R->vols, R->found). */
int owner_claim (struct run *r, struct vmerr *err);

/* Record this run on volume I (one it just created). */
int owner_mark (struct run *r, size_t i, struct vmerr *err);

/* Clear the records of this host on every volume: this run's, and those
 * of killed runs here (also after "Volume already converted").  A failure
 * is only logged (the next run on this host takes over by itself, another
 * host with --take-over). */
void owner_release (struct run *r);

#endif
