/* One copy window (see window.h).  The order of operations is the
 * durability guarantee: snapshot, read its changeId, copy from it, flush,
 * and only then record the changeId and "complete". */
#include "window.h"
#include "engine.h"
#include "clock.h"
#include "target.h"
#include "interrupt.h"
#include "log.h"
#include "source.h"
#include "cbt.h"
#include "snapshot.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The areas this window copies for one disk; sets wd->was_full. */
static int
plan_disk (struct vs_conn *vs, const struct vs_vm *vm, const char *snap,
           const struct vs_disk *sd, struct window_disk *wd, struct extent_list *ext,
           struct vmerr *err)
{
  const char *stored = kv_get (&wd->vol->meta, META_CHANGE_ID);
  bool complete = state_copy_is (&wd->vol->meta, COPY_STATE_COMPLETE);
  bool known = kv_get (&wd->vol->meta, META_COPY_STATE) != NULL;
  struct vs_fault fault;
  char su[128], nu[128];
  long sseq, nseq;

  wd->was_full = true;
  if (!wd->force_full && complete && stored && sd->change_id) {
    if (!vs_change_id_parse (stored, su, sizeof su, &sseq) ||
        !vs_change_id_parse (sd->change_id, nu, sizeof nu, &nseq) || strcmp (su, nu) != 0)
      log_warn ("disk %d: Changed Block Tracking was reset since the last window (stored "
                "changeID %s, now %s): copying the whole disk again", sd->key, stored,
                sd->change_id);
    else if (vs_changed_areas (vs, vm->moref, snap, sd->key, sd->capacity, stored, ext, &fault,
                               err) == 0) {
      wd->was_full = false;
      return 0;
    }
    else if (strcmp (fault.type, "InvalidArgument") == 0 || strcmp (fault.type, "FileFault") == 0)
      log_warn ("disk %d: vSphere refused the stored changeID (%s): copying the whole disk "
                "again", sd->key, err->msg);
    else
      return -1;
  }
  else if (!wd->force_full && known && !complete)
    log_warn ("disk %d: the volume's first copy never completed: copying the whole disk",
              sd->key);
  vmerr_clear (err);
  if (sd->change_id == NULL) {
    /* No CBT: no allocation map either; the whole disk it is. */
    if (vm->cbt_enabled)
      log_warn ("disk %d: vSphere reports no changeID although Changed Block Tracking is on "
                "for VM '%s': tracking has not started (CBT was turned on without a "
                "stun/unstun cycle), so this window copies the whole disk, as will every window "
                "until it starts: take and remove a snapshot, or power-cycle the VM, so that "
                "tracking starts", sd->key, vm->name);
    int r = extent_append (ext, 0, sd->capacity, sd->capacity, err);
    if (r == EXTENT_INVALID)
      err->code = VMERR_VSPHERE;  /* a capacity vSphere reported */
    return r == 0 ? 0 : -1;
  }
  return vs_changed_areas (vs, vm->moref, snap, sd->key, sd->capacity, "*", ext, &fault, err);
}

static int
copy_disk (const struct config *cfg, struct vs_conn *vs, struct volume_ctx *vx,
           const struct vs_vm *vm, const char *snap, const struct vs_disk *sd,
           struct window_disk *wd, struct progress_sink *progress, struct vmerr *err)
{
  struct extent_list ext = { 0 };
  struct source_spec spec = { 0 };
  struct source *src = NULL;
  struct target *t = NULL;
  struct copy_stats st = { 0 };
  char label[64];
  struct kv kv = { 0 };
  bool zero = false;  /* the volume reads as zeroes where we write nothing */
  int rc = -1;

  if (plan_disk (vs, vm, snap, sd, wd, &ext, err) == -1)
    goto out;
  if (wd->was_full) {
    /* Until this full copy is flushed, the volume must not pass for seeded. */
    if (!state_copy_is (&wd->vol->meta, COPY_STATE_INCOMPLETE)) {
      if (kv_set (&kv, META_COPY_STATE, COPY_STATE_INCOMPLETE) == -1 ||
          volume_set_meta (vx, wd->vol, &kv, err) == -1)
        goto out;
      kv_free (&kv);
    }
    /* A used volume keeps old bytes where the source no longer allocates
     * (guest TRIM, thin reclaim): only a fresh one may go unzeroed. */
    if (wd->fresh && volume_reads_zero (vx, wd->vol, &zero, err) == -1)
      goto out;
  }
  log_info ("disk %d: %s copy of %zu areas, %.1f MiB%s", sd->key,
            wd->was_full ? "full" : "delta", ext.n, extent_total (&ext) / 1048576.0,
            wd->was_full && !zero ? ", the rest of the volume zeroed" : "");
  extent_coalesce (&ext, 64 * 1024);
  if (source_spec_for (cfg, vm->moref, snap, sd->key, sd->file, &spec, err) == -1)
    goto out;
  src = source_start (&spec, err);
  t = src ? target_open (wd->vol->device, err) : NULL;
  if (t == NULL)
    goto out;
  if (target_size (t) < sd->capacity) {
    vmerr_set (err, VMERR_COPY, "the volume device %s holds %" PRId64 " bytes, less than "
               "disk %d's %" PRId64, wd->vol->device, target_size (t), sd->key, sd->capacity);
    goto out;
  }
  snprintf (label, sizeof label, "disk %d", sd->key);
  wd->fresh = false;  /* from here on it holds our bytes, even if the copy fails */
  /* A fresh volume that reads as zeroes needs no zero written: its
   * allocation then equals the source's non-zero data. */
  struct copy_opts co = { .skip_zeros = zero,
                         .prog = progress_begin (progress, label, "copy", extent_total (&ext)) };
  int crc = copy_extents (source_socket (src), t, &ext, &co, &st, err);
  progress_end (co.prog, crc == 0);
  if (crc == -1)
    goto out;
  if (wd->was_full && !zero && copy_zero_complement (t, &ext, sd->capacity, &st, err) == -1)
    goto out;
  if (target_flush (t, err) == -1)
    goto out;
  /* Data is durable: now, and only now, record where this window ended. */
  wd->bytes = st.bytes_written + st.bytes_zeroed;
  wd->seconds = st.seconds;
  if (state_window_done (&kv, &wd->vol->meta, sd->change_id, wd->bytes, st.seconds,
                         sd->capacity) == -1) {
    vmerr_set (err, VMERR_FAILED, "out of memory");
    goto out;
  }
  if (volume_set_meta (vx, wd->vol, &kv, err) == -1)
    goto out;
  log_info ("disk %d: %.1f MiB in %.1f s; changeID %s", sd->key, wd->bytes / 1048576.0,
            st.seconds, sd->change_id ? sd->change_id
            : vm->cbt_enabled ? "(none: tracking not started)" : "(none: CBT off)");
  rc = 0;
out:
  if (rc == -1)
    vmerr_prefix (err, "disk %d: ", sd->key);
  kv_free (&kv);
  target_close (t);
  source_stop (src);
  extent_list_free (&ext);
  source_spec_free (&spec);
  return rc;
}

int
window_run (const struct config *cfg, struct vs_conn *vs, struct volume_ctx *vx,
            const struct vs_vm *vm, struct window_disk *disks, size_t n,
            struct progress_sink *progress, struct window_result *res, struct vmerr *err)
{
  char name[128], when[32];
  char *snap = NULL;
  struct vs_disk *sdisks = NULL;
  size_t nsd = 0;
  double start = clock_now ();
  int rc = -1;

  memset (res, 0, sizeof *res);
  state_utc_now (when, sizeof when);
  snprintf (name, sizeof name, VS_SNAPSHOT_PREFIX "%s-%s", vm->name, when);
  if (vs_snapshot_create (vs, vm->moref, name, false, &snap, err) == -1)
    return -1;
  log_info ("snapshot %s (%s) taken", name, snap);
  if (vs_snapshot_disks (vs, snap, &sdisks, &nsd, err) == -1)
    goto out;
  for (size_t i = 0; i < n; i++) {
    const struct vs_disk *sd = NULL;
    for (size_t j = 0; j < nsd; j++)
      if (sdisks[j].key == disks[i].disk->key)
        sd = &sdisks[j];
    if (sd == NULL) {
      vmerr_set (err, VMERR_VSPHERE, "disk %d is not in snapshot %s (was it removed from the "
                 "VM during the run?)", disks[i].disk->key, snap);
      goto out;
    }
    if (interrupted ()) {
      vmerr_set (err, VMERR_INTERRUPTED, "interrupted by signal %d", interrupt_signal ());
      goto out;
    }
    if (copy_disk (cfg, vs, vx, vm, snap, sd, &disks[i], progress, err) == -1)
      goto out;
    res->bytes += disks[i].bytes;
  }
  rc = 0;
out:
  if (snap) {
    struct vmerr e2 = { 0 };
    if (vs_snapshot_remove (vs, snap, &e2) == -1) {
      log_error ("could not remove snapshot %s: %s (remove it in vSphere; the next run also "
                 "removes it)", snap, e2.msg);
      if (rc == 0) {
        *err = e2;
        rc = -1;
      }
    }
    else
      log_info ("snapshot %s removed", snap);
  }
  vs_disks_free (sdisks, nsd);
  free (snap);
  res->seconds = clock_now () - start;
  return rc;
}
