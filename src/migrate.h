#ifndef VMIGRATE_MIGRATE_H
#define VMIGRATE_MIGRATE_H

#include "config.h"
#include "error.h"

/* The migration state machine (DESIGN.md §1) for sync, cutover and
 * migrate: decide from the volumes' metadata what this run does, do it,
 * and always leave no snapshot and no attachment behind. */
int migrate_run (const struct config *cfg, struct vmerr *err);

#endif
