/* Recovery snapshots and the conversion-in-progress mark (recovery.h). */
#include "recovery.h"
#include "log.h"
#include "cinder.h"

#include <stdlib.h>
#include <string.h>

enum { SNAPSHOT_TIMEOUT_S = 600 };

enum conversion_state
recovery_state (const struct run *r)
{
  bool all = true, succeeded = false, interrupted = false;

  for (size_t i = 0; i < r->vm.ndisks; i++) {
    const struct kv *m = &r->vols[i].meta;
    bool converted = r->found[i] && state_true (m, META_CONVERTED);
    all &= converted;
    succeeded |= converted || (r->found[i] && state_conversion_is (m, CONVERSION_DONE));
    interrupted |= r->found[i] && state_conversion_is (m, CONVERSION_IN_PROGRESS);
  }
  if (all && r->vm.ndisks > 0)
    return CONVERSION_COMPLETE;
  /* "done" is written only after the converter succeeded on all disks. */
  if (succeeded)
    return CONVERSION_SUCCEEDED;
  return interrupted ? CONVERSION_INTERRUPTED : CONVERSION_NONE;
}

static int
set_marks (struct run *r, size_t i, const char *conversion, const char *snap, struct vmerr *err)
{
  struct kv kv = { 0 };
  int rc = kv_set (&kv, META_CONVERSION, conversion) == -1 ||
           kv_set (&kv, META_RECOVERY_SNAPSHOT, snap) == -1
           ? vmerr_set (err, VMERR_FAILED, "out of memory")
           : volume_set_meta (&r->vx, &r->vols[i], &kv, err);
  kv_free (&kv);
  return rc;
}

int
recovery_prepare (struct run *r, struct vmerr *err)
{
  for (size_t i = 0; i < r->vm.ndisks; i++) {
    char *snap = NULL;
    if (volume_snapshot (&r->vx, &r->vols[i], &snap, err) == -1 ||
        set_marks (r, i, CONVERSION_IN_PROGRESS, snap, err) == -1) {
      struct vmerr e2 = { 0 };
      free (snap);
      if (recovery_revert (r, &e2) == -1)
        log_error ("undoing the recovery snapshots: %s", e2.msg);
      return -1;
    }
    free (snap);
  }
  return 0;
}

/* Status of snapshot ID of volume V, NULL when it is gone (malloc'd). */
static int
snapshot_status (struct run *r, const struct disk_volume *v, const char *id, char **status,
                 struct vmerr *err)
{
  struct os_snapshot_list l = { 0 };

  *status = NULL;
  if (os_snapshot_list (r->vx.os, v->id, &l, err) == -1)
    return -1;
  for (size_t j = 0; j < l.n; j++)
    if (l.items[j].id && strcmp (l.items[j].id, id) == 0 && l.items[j].status)
      *status = strdup (l.items[j].status);
  os_snapshot_list_free (&l);
  return 0;
}

/* Volume I back to its recovery snapshot; or, with that gone, marked for
 * a full copy (its bytes are unknown). */
static int
revert_one (struct run *r, size_t i, struct vmerr *err)
{
  struct disk_volume *v = &r->vols[i];
  const char *snap = kv_get (&v->meta, META_RECOVERY_SNAPSHOT);
  char *status = NULL;
  int rc = -1;

  if (snap && *snap && snapshot_status (r, v, snap, &status, err) == -1)
    return -1;
  if (status && strcmp (status, "creating") == 0) {
    free (status);
    status = strdup ("available");
    if (os_snapshot_wait (r->vx.os, snap, "available", SNAPSHOT_TIMEOUT_S, err) == -1)
      goto out;
  }
  if (status && strcmp (status, "available") == 0) {
    if (volume_detach (&r->vx, v, err) == -1 || volume_revert (&r->vx, v, snap, err) == -1)
      goto out;
  }
  else {
    struct kv kv = { 0 };
    log_warn ("volume %s: its recovery snapshot %s is %s: the disk is copied again in full",
              v->id, snap && *snap ? snap : "(none)", status ? status : "gone");
    rc = kv_set (&kv, META_COPY_STATE, COPY_STATE_INCOMPLETE) == -1
         ? vmerr_set (err, VMERR_FAILED, "out of memory")
         : volume_set_meta (&r->vx, v, &kv, err);
    kv_free (&kv);
    if (rc == -1)
      goto out;
    if (r->wd)
      r->wd[i].force_full = true;
  }
  rc = set_marks (r, i, "", "", err);
out:
  free (status);
  return rc;
}

int
recovery_revert (struct run *r, struct vmerr *err)
{
  int rc = 0;

  for (size_t i = 0; i < r->vm.ndisks; i++) {
    struct vmerr e = { 0 };
    if (r->vols[i].id == NULL || !state_conversion_is (&r->vols[i].meta, CONVERSION_IN_PROGRESS))
      continue;
    if (revert_one (r, i, &e) == -1) {
      log_error ("could not put volume %s back to its state before conversion: %s",
                 r->vols[i].id, e.msg);
      if (rc == 0)
        *err = e;
      rc = -1;
    }
  }
  /* A volume not put back keeps its mark and its snapshot for the next run. */
  if (rc == 0)
    rc = recovery_drop_snapshots (r, err);
  return rc;
}

/* Delete one recovery snapshot, waiting out "creating" first (Cinder
 * refuses, or the delete is lost, while it is being made). */
static int
drop_one (struct run *r, const char *volume, const struct os_snapshot *s, struct vmerr *err)
{
  if (s->status && strcmp (s->status, "creating") == 0 &&
      os_snapshot_wait (r->vx.os, s->id, "available", SNAPSHOT_TIMEOUT_S, err) == -1)
    return -1;
  if (volume_snapshot_delete (&r->vx, s->id, err) == -1)
    return -1;
  log_info ("recovery snapshot %s of volume %s deleted", s->id, volume);
  return 0;
}

int
recovery_drop_snapshots (struct run *r, struct vmerr *err)
{
  int rc = 0;

  for (size_t i = 0; i < r->vm.ndisks; i++) {
    struct disk_volume *v = &r->vols[i];
    struct os_snapshot_list l = { 0 };
    const char *keep = state_conversion_is (&v->meta, CONVERSION_IN_PROGRESS)
                       ? kv_get (&v->meta, META_RECOVERY_SNAPSHOT) : NULL;
    if (v->id == NULL)
      continue;
    if (os_snapshot_list (r->vx.os, v->id, &l, err) == -1)
      return -1;
    for (size_t j = 0; j < l.n && rc == 0; j++) {
      const struct os_snapshot *s = &l.items[j];
      if (s->name == NULL || strcmp (s->name, RECOVERY_SNAPSHOT_NAME) != 0 ||
          (keep && s->id && strcmp (s->id, keep) == 0) ||
          (s->status && strcmp (s->status, "deleting") == 0))
        continue;
      if (drop_one (r, v->id, s, err) == -1) {
        vmerr_prefix (err, "deleting recovery snapshot %s of volume %s (the next run deletes "
                      "it): ", s->id, v->id);
        rc = -1;
      }
    }
    os_snapshot_list_free (&l);
    if (rc == -1)
      return -1;
  }
  return 0;
}
