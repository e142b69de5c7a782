#ifndef VMIGRATE_MIGRATE_RUN_H
#define VMIGRATE_MIGRATE_RUN_H

#include <stdbool.h>

#include "config.h"
#include "disk-volume.h"
#include "error.h"
#include "lock.h"
#include "progress.h"
#include "result.h"
#include "soap.h"
#include "vm.h"
#include "window.h"

/* Internal to migrate/: one run over one VM (run.c), shared with the
 * cutover (cutover.c).  Not thread-safe: a run has one thread. */

struct run {
  const struct config *cfg;     /* settings */
  struct vs_conn *vs;           /* vSphere session */
  struct vs_vm vm;              /* the VM as read at start */
  struct vm_lock *lock;         /* one run per VM */
  struct volume_ctx vx;         /* OpenStack side */
  struct disk_volume *vols;     /* one per VM disk, same order */
  bool *found;                  /* vols[i] existed before this run */
  struct window_disk *wd;       /* per disk window state */
  struct migrate_result *res;   /* what this run did, for the report */
  char owner_since[32];         /* when this run claimed the VM (owner.h) */
  char *log_dir;                /* the converter's private log directory */
  char *virtio_win;             /* Windows guests: the drivers the converter gets */
  struct progress_sink *progress; /* live copy progress (terminal, log, events) */
};

/* One copy window over every disk (KIND "seeding", "catch-up", "final"),
 * recorded in the result and announced through its on_window. */
int run_window (struct run *r, const char *kind, struct vmerr *err);

/* Detach everything this run attached, going on past a failure; each
 * failure is logged.  Returns 0, or -1 with err set from the first one. */
int run_detach_all (struct run *r, struct vmerr *err);

/* The cutover: catch up, stop the guest, final window, convert with a way
 * back, mark converted (ANY_FOUND: volumes existed before this run). */
int cutover_run (struct run *r, bool any_found, struct vmerr *err);

/* After a successful conversion (also when a rerun finds one): boot
 * volume, recovery snapshots deleted, converted=true on every volume last.
 * Every step may be redone. */
int cutover_finish (struct run *r, struct vmerr *err);

/* Set KEY=VALUE on every volume of the run. */
int cutover_mark_all (struct run *r, const char *key, const char *value, struct vmerr *err);

#endif
