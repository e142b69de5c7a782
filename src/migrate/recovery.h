#ifndef VMIGRATE_MIGRATE_RECOVERY_H
#define VMIGRATE_MIGRATE_RECOVERY_H

#include "run.h"

/* The cutover's way back, kept in the volumes' metadata so that a run
 * killed at any point leaves a state the next run can read:
 *
 *   recovery_prepare   a Cinder snapshot of each volume, then
 *                      conversion=in-progress + its snapshot id, per volume
 *   (converter runs)
 *   success            conversion=done on every volume, then the steps
 *                      after it, converted=true last (cutover.c)
 *   failure or a kill  recovery_revert: every volume marked in-progress
 *                      back to its snapshot (or, with the snapshot gone,
 *                      marked for a full copy), marks cleared, snapshots
 *                      deleted
 *
 * Not thread-safe: part of one run. */

enum conversion_state {
  CONVERSION_NONE,         /* no conversion recorded */
  CONVERSION_INTERRUPTED,  /* a volume is in-progress: never trust it */
  CONVERSION_SUCCEEDED,    /* the converter succeeded, later steps may be missing */
  CONVERSION_COMPLETE,     /* every volume converted=true (AC5) */
};

/* What the volumes found (R->found) say about the conversion. */
enum conversion_state recovery_state (const struct run *r);

/* Snapshot every volume and mark it in progress; on failure, what was
 * done is undone (recovery_revert). */
int recovery_prepare (struct run *r, struct vmerr *err);

/* Put every volume marked in-progress back (detaching it from this host
 * first), clear the marks, delete the recovery snapshots. */
int recovery_revert (struct run *r, struct vmerr *err);

/* Delete every recovery snapshot of the VM's volumes, the recorded ones
 * and those a killed run left unrecorded (found by name), each once it is
 * no longer "creating".  A failed delete is an error: the next run retries. */
int recovery_drop_snapshots (struct run *r, struct vmerr *err);

#endif
