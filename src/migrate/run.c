/* The state machine: per VM, per disk, from the volumes' metadata.
 *
 *   volume found        cbtsync cutover  action
 *   none                any     false    create, full copy, store changeID
 *   none                false   true     cold one-shot: stop VM, full copy, convert
 *   none                true    true     full copy while running, stop, delta, convert
 *   converted=true      any     any      "Volume already converted", success
 *     (on every volume; a conversion that succeeded without it: the
 *     missing steps after it are done, nothing is copied or converted)
 *   conversion          any     any      revert every volume first (recovery.h)
 *     in-progress
 *   exists              false   any      "volume already exists", error
 *   exists, complete    true    false    delta since changeID
 *   exists, complete    true    true     catch-up delta, stop VM, final delta, convert
 *   exists, incomplete  true    any      the full copy again (never trust a partial seed)
 */
#include "run.h"
#include "connect.h"
#include "convert.h"
#include "interrupt.h"
#include "log.h"
#include "migrate.h"
#include "owner.h"
#include "private-dir.h"
#include "recovery.h"
#include "source.h"
#include "cbt.h"
#include "snapshot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Refuse disks that cannot be snapshotted or tracked. */
static int
check_disks (const struct vs_vm *vm, struct vmerr *err)
{
  if (vm->ndisks == 0)
    return vmerr_set (err, VMERR_PRECONDITION, "VM '%s' has no virtual disks to migrate", vm->name);
  for (size_t i = 0; i < vm->ndisks; i++) {
    const struct vs_disk *d = &vm->disks[i];
    if (d->disk_mode && strncmp (d->disk_mode, "independent", 11) == 0)
      return vmerr_set (err, VMERR_PRECONDITION, "disk %d of VM '%s' is %s: independent disks "
                        "are not in snapshots and have no change tracking; change the disk "
                        "mode to dependent (persistent) in vSphere", d->key, vm->name, d->disk_mode);
    if (d->backing_type && strstr (d->backing_type, "RawDiskMapping") &&
        d->disk_mode && strstr (d->disk_mode, "physical"))
      return vmerr_set (err, VMERR_PRECONDITION, "disk %d of VM '%s' is a physical-mode RDM, "
                        "which has no snapshots or change tracking; migrate it separately",
                        d->key, vm->name);
    if (d->capacity <= 0 || d->file == NULL)
      return vmerr_set (err, VMERR_VSPHERE, "disk %d of VM '%s' has no capacity or file name",
                        d->key, vm->name);
  }
  for (size_t i = 0; i < vm->nsnapshots; i++)
    if (strncmp (vm->snapshots[i].name ? vm->snapshots[i].name : "", VS_SNAPSHOT_PREFIX,
                 strlen (VS_SNAPSHOT_PREFIX)) != 0)
      log_warn ("VM '%s' has a snapshot '%s' not made by vmigrate: long snapshot chains slow "
                "the VM and snapshot removal", vm->name, vm->snapshots[i].name);
  return 0;
}

/* CBT is needed by every run that seeds or copies deltas. */
static int
ensure_cbt (struct run *r, struct vmerr *err)
{
  if (r->vm.cbt_enabled)
    return 0;
  if (!r->cfg->enable_cbt)
    return vmerr_set (err, VMERR_PRECONDITION, "Changed Block Tracking is off on VM '%s': "
                      "run again with --enable-cbt to turn it on (or set "
                      "ctkEnabled=TRUE in vSphere)", r->vm.name);
  log_info ("enabling Changed Block Tracking on VM '%s'", r->vm.name);
  if (vs_enable_cbt (r->vs, r->vm.moref, err) == -1)
    return -1;
  r->vm.cbt_enabled = true;
  return 0;
}

static void
run_free (struct run *r)
{
  for (size_t i = 0; r->vols && i < r->vm.ndisks; i++)
    disk_volume_free (&r->vols[i]);
  free (r->vols);
  free (r->found);
  free (r->wd);
  free (r->log_dir);
  free (r->virtio_win);
  progress_sink_free (r->progress);
  volume_ctx_close (&r->vx);
  vm_lock_release (r->lock);
  vs_vm_free (&r->vm);
  vs_disconnect (r->vs);
}

int
run_detach_all (struct run *r, struct vmerr *err)
{
  int rc = 0;

  for (size_t i = 0; r->vols && i < r->vm.ndisks; i++) {
    struct vmerr e = { 0 };
    if (r->vols[i].id && volume_detach (&r->vx, &r->vols[i], &e) == -1) {
      log_error ("could not detach volume %s: %s", r->vols[i].id, e.msg);
      if (rc == 0)
        vmerr_set (err, e.code, "%s; the volume stays attached to this conversion host "
                   "until the next run of this VM detaches it", e.msg);
      rc = -1;
    }
  }
  return rc;
}

static void
window_report_free (struct window_result_report *w)
{
  for (size_t i = 0; i < w->disks.n; i++) {
    free (w->disks.v[i].volume_id);
    free (w->disks.v[i].change_id);
  }
  free (w->disks.v);
}

/* The window as the report shows it (strings copied: the run's volumes
 * are gone when the report is printed). */
static int
record_window (struct run *r, const char *kind, const struct window_result *res,
               struct vmerr *err)
{
  struct window_result_report w = { .kind = kind, .bytes = res->bytes, .seconds = res->seconds };

  for (size_t i = 0; i < r->vm.ndisks; i++) {
    const char *cid = kv_get (&r->vols[i].meta, META_CHANGE_ID);
    struct window_disk_result d = {
      .disk_key = r->vm.disks[i].key, .volume_id = strdup (r->vols[i].id),
      .full = r->wd[i].was_full, .bytes = r->wd[i].bytes, .seconds = r->wd[i].seconds,
      .verify_seconds = r->wd[i].verify_seconds, .connections = r->wd[i].connections,
      .change_id = cid ? strdup (cid) : NULL,
    };
    if (d.volume_id == NULL || (cid && d.change_id == NULL) || vector_push (&w.disks, d) == -1) {
      free (d.volume_id);
      free (d.change_id);
      goto oom;
    }
  }
  if (vector_push (&r->res->windows, w) == -1)
    goto oom;
  return 0;
oom:
  window_report_free (&w);
  return vmerr_set (err, VMERR_FAILED, "out of memory");
}

int
run_window (struct run *r, const char *kind, struct vmerr *err)
{
  struct window_result res;

  log_info ("%s window for VM '%s' (%zu disk%s)", kind, r->vm.name, r->vm.ndisks,
            r->vm.ndisks == 1 ? "" : "s");
  if (window_run (r->cfg, r->vs, &r->vx, &r->vm, r->wd, r->vm.ndisks, r->progress, &res,
                  err) == -1)
    return -1;
  for (size_t i = 0; i < r->vm.ndisks; i++)
    r->wd[i].force_full = false;
  if (record_window (r, kind, &res, err) == -1)
    return -1;
  if (r->res->on_window)
    r->res->on_window (r->res->opaque, r->res, &r->res->windows.v[r->res->windows.n - 1]);
  return 0;
}

/* Find each disk's volume and decide whether this run may proceed. */
static int
load_volumes (struct run *r, bool *any_found, struct vmerr *err)
{
  size_t n = r->vm.ndisks;

  *any_found = false;
  r->vols = calloc (n, sizeof *r->vols);
  r->found = calloc (n, sizeof *r->found);
  r->wd = calloc (n, sizeof *r->wd);
  if (!r->vols || !r->found || !r->wd)
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  for (size_t i = 0; i < n; i++) {
    if (volume_find (&r->vx, &r->vm, &r->vm.disks[i], &r->vols[i], &r->found[i], err) == -1)
      return -1;
    *any_found |= r->found[i];
  }
  return 0;
}

static int
prepare_volumes (struct run *r, struct vmerr *err)
{
  for (size_t i = 0; i < r->vm.ndisks; i++) {
    const struct vs_disk *d = &r->vm.disks[i];
    r->wd[i].disk = d;
    r->wd[i].vol = &r->vols[i];
    if (!r->found[i]) {
      if (volume_create (&r->vx, &r->vm, d, &r->vols[i], err) == -1 ||
          owner_mark (r, i, err) == -1)
        return -1;
      r->wd[i].force_full = true;
      r->wd[i].fresh = true;
    }
    else if (r->vols[i].size_bytes < d->capacity) {
      log_warn ("disk %d grew to %.1f GiB: extending volume %s and copying the whole disk",
                d->key, d->capacity / 1073741824.0, r->vols[i].id);
      if (volume_extend (&r->vx, &r->vols[i], d->capacity, err) == -1)
        return -1;
      r->wd[i].force_full = true;
    }
    /* Attached by the window when it has something to write, and by the
     * conversion: a window with nothing to copy attaches nothing. */
  }
  return 0;
}

/* The volume ids for the result, in disk order. */
static int
record_volumes (struct run *r, struct vmerr *err)
{
  for (size_t i = 0; r->vols && i < r->vm.ndisks; i++) {
    char *id = r->vols[i].id ? strdup (r->vols[i].id) : NULL;
    if (r->vols[i].id && (id == NULL || vector_push (&r->res->volumes, id) == -1)) {
      free (id);
      return vmerr_set (err, VMERR_FAILED, "out of memory");
    }
  }
  return 0;
}

/* The private directories of killed runs on this host (their owners are
 * dead: nbdkit and the converter die with vmigrate). */
static void
reap_private_dirs (void)
{
  static const char *const prefixes[] = { SOURCE_DIR_PREFIX, CONVERT_DOMAIN_PREFIX,
                                          CONVERT_NIC_PREFIX, NULL };
  private_dir_reap (prefixes);
}

/* Everything before the first change: the VM, its lock, its disks, the
 * settings a conversion needs, the volumes and what they say. */
static int
start_run (struct run *r, char **moref, bool *any_found, struct vmerr *err)
{
  const struct config *cfg = r->cfg;

  /* What a window will need is checked before anything is changed. */
  if (source_settings_check (cfg, err) == -1)
    return -1;
  r->vs = connect_vsphere (cfg, err);
  if (r->vs == NULL)
    return -1;
  if (vs_find_vm (r->vs, cfg->vm, moref, err) == -1 || vs_vm_read (r->vs, *moref, &r->vm, err) == -1)
    return -1;
  if ((r->res->vm_name = strdup (r->vm.name)) == NULL)
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  r->lock = vm_lock_take (vm_lock_default_dir (), r->vm.instance_uuid ? r->vm.instance_uuid : *moref,
                          r->vm.name, err);
  if (r->lock == NULL || check_disks (&r->vm, err) == -1)
    return -1;
  if (cfg->cutover && !cfg->skip_conversion && convert_log_dir (cfg->log_dir, &r->log_dir, err) == -1)
    return -1;
  if (volume_ctx_open (&r->vx, cfg, err) == -1)
    return -1;
  if (load_volumes (r, any_found, err) == -1)
    return -1;
  for (size_t i = 0; i < r->vm.ndisks && !cfg->cbt_sync && recovery_state (r) == CONVERSION_NONE; i++)
    if (r->found[i])
      return vmerr_set (err, VMERR_PRECONDITION, "volume already exists: volume %s holds disk "
                        "%d of VM '%s'; continue with cbtsync (vmigrate sync/cutover) or "
                        "delete the volume to start over", r->vols[i].id, r->vm.disks[i].key,
                        r->vm.name);
  return 0;
}

int
migrate_run (const struct config *cfg, struct migrate_result *res, struct vmerr *err)
{
  struct run r = { .cfg = cfg, .res = res };
  bool any_found = false;
  char *moref = NULL;
  int removed, rc = -1;

  interrupt_install ();
  res->vm = cfg->vm;
  res->command = cfg->command;
  res->cbt_sync = cfg->cbt_sync;
  res->cutover = cfg->cutover;
  /* With --json and no --progress-fd the events take stderr: no terminal lines then. */
  struct progress_opts po = {
    .tty = isatty (2) && !(cfg->json && cfg->progress_fd < 0),
    .events_fd = cfg->progress_fd >= 0 ? cfg->progress_fd : cfg->json ? 2 : -1,
  };
  if ((r.progress = progress_sink_new (&po, err)) == NULL)
    goto out;
  if (start_run (&r, &moref, &any_found, err) == -1)
    goto out;
  enum conversion_state conv = recovery_state (&r);
  if (conv == CONVERSION_COMPLETE) {
    res->already_converted = res->converted = true;
    log_info ("Volume already converted (VM '%s')", r.vm.name);
    rc = 0;
    goto out;
  }
  /* Ours before anything is cleaned up or changed, on any host. */
  if (owner_claim (&r, err) == -1)
    goto out;
  reap_private_dirs ();
  if (conv == CONVERSION_SUCCEEDED) {
    /* Never copy over, nor convert again, a disk that was converted. */
    log_warn ("the conversion of VM '%s' had succeeded but its cutover was cut short: "
              "finishing it (boot volume, recovery snapshots, converted)", r.vm.name);
    rc = cutover_finish (&r, err);
    goto out;
  }
  if (conv == CONVERSION_INTERRUPTED) {
    log_warn ("a conversion of VM '%s' was interrupted: putting its volumes back to their "
              "state before it", r.vm.name);
    if (recovery_revert (&r, err) == -1)
      goto out;
  }
  if ((cfg->cbt_sync || !cfg->cutover) && ensure_cbt (&r, err) == -1)
    goto out;
  /* What a killed run left: its snapshot here, its attachments there,
   * its recovery snapshots in Cinder. */
  if (vs_snapshot_remove_ours (r.vs, &r.vm, &removed, err) == -1 ||
      recovery_drop_snapshots (&r, err) == -1)
    goto out;
  if (prepare_volumes (&r, err) == -1)
    goto out;
  if (!cfg->cutover)
    rc = run_window (&r, "seeding", err);
  else
    rc = cutover_run (&r, any_found, err);
out:
  if (rc == -1 && interrupted () && err->code != VMERR_INTERRUPTED)
    vmerr_prefix (err, "interrupted: ");
  /* A volume left attached is not a success: the next run repairs it. */
  struct vmerr e2 = { 0 };
  if (run_detach_all (&r, &e2) == -1 && rc == 0) {
    *err = e2;
    rc = -1;
  }
  owner_release (&r);
  vmerr_clear (&e2);
  if (record_volumes (&r, &e2) == -1 && rc == 0) {
    *err = e2;
    rc = -1;
  }
  free (moref);
  run_free (&r);
  return rc;
}

void
migrate_result_free (struct migrate_result *r)
{
  for (size_t i = 0; i < r->windows.n; i++)
    window_report_free (&r->windows.v[i]);
  free (r->windows.v);
  for (size_t i = 0; i < r->volumes.n; i++)
    free (r->volumes.v[i]);
  free (r->volumes.v);
  free (r->vm_name);
  memset (r, 0, sizeof *r);
}
