#ifndef VMIGRATE_MIGRATE_RESULT_H
#define VMIGRATE_MIGRATE_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vector.h"

/* What a sync / cutover / migrate run did, for the report module (text or
 * JSON, cli/report.c) to show; the run itself prints nothing.  Every
 * string is owned by the result.  Not thread-safe: one run fills it. */

struct window_disk_result {
  int disk_key;          /* the VM disk */
  char *volume_id;       /* its volume */
  bool full;             /* a full copy (first window, resync), else a delta */
  int64_t bytes;         /* bytes copied (data + zeroes) */
  double seconds;        /* the copy's time */
  double verify_seconds; /* --verify's time; < 0 when not verified */
  unsigned connections;  /* NBD connections used (0: nothing to copy) */
  char *change_id;       /* changeID recorded after the window, NULL if none */
};

struct window_result_report {
  const char *kind;      /* "seeding", "catch-up" or "final" (static) */
  int64_t bytes;         /* all disks */
  double seconds;        /* snapshot to snapshot removal */
  VECTOR (struct window_disk_result) disks;
};

struct migrate_result;

/* Called when a window has ended (so progress shows while the run goes on). */
typedef void (*migrate_window_fn) (void *opaque, const struct migrate_result *r,
                                   const struct window_result_report *w);

struct migrate_result {
  const char *vm;              /* as asked (inventory path or name) */
  const char *command;         /* sync, cutover, migrate */
  bool cbt_sync, cutover;      /* the two phases asked for */
  char *vm_name;               /* the VM's name in vSphere, once found */
  bool already_converted;      /* AC5: nothing was done */
  bool converted;              /* converted by now (this run or before) */
  VECTOR (struct window_result_report) windows;  /* in order */
  bool stopped;                /* the guest was stopped: the downtime below */
  double downtime_s;           /* guest stop to conversion done */
  double stop_s, final_s, convert_s; /* its parts */
  VECTOR (char *) volumes;     /* the VM's volume ids, disk order */
  migrate_window_fn on_window; /* may be NULL */
  void *opaque;                /* for on_window */
};

void migrate_result_free (struct migrate_result *r);

#endif
