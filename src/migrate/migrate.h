#ifndef VMIGRATE_MIGRATE_MIGRATE_H
#define VMIGRATE_MIGRATE_MIGRATE_H

#include "config.h"
#include "error.h"
#include "result.h"

/* Single-threaded: a run uses one thread. */

/* The migration state machine (docs/architecture.md, README "What a run
 * does") for sync, cutover and migrate: decide from the volumes' metadata
 * what this run does, do it, and always leave no snapshot and no
 * attachment behind.  RES (its on_window/opaque set by the caller, the
 * rest zero) is filled whether the run succeeds or not; free it with
 * migrate_result_free.  One run per VM; runs on different VMs may go on in
 * different processes at once. */
int migrate_run (const struct config *cfg, struct migrate_result *res, struct vmerr *err);

#endif
