/* The state machine: per VM, per disk, from the volumes' metadata.
 *
 *   volume found        cbtsync cutover  action
 *   none                any     false    create, full copy, store changeID
 *   none                false   true     cold one-shot: stop VM, full copy, convert
 *   none                true    true     full copy while running, stop, delta, convert
 *   converted=true      any     any      "Volume already converted", success
 *   exists              false   any      "volume already exists", error
 *   exists, complete    true    false    delta since changeID
 *   exists, complete    true    true     catch-up delta, stop VM, final delta, convert
 *   exists, incomplete  true    any      the full copy again (never trust a partial seed)
 */
#include "migrate.h"
#include "connect.h"
#include "convert.h"
#include "clock.h"
#include "copy/progress.h"
#include "interrupt.h"
#include "lock.h"
#include "log.h"
#include "volume.h"
#include "vsphere/cbt.h"
#include "vsphere/power.h"
#include "vsphere/snapshot.h"
#include "window.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct run {
  const struct config *cfg;     /* settings */
  struct vs_conn *vs;           /* vSphere session */
  struct vs_vm vm;              /* the VM as read at start */
  struct vm_lock *lock;         /* one run per VM */
  struct volume_ctx vx;         /* OpenStack side */
  char *host;                   /* conversion host server id */
  struct disk_volume *vols;     /* one per VM disk, same order */
  bool *found;                  /* vols[i] existed before this run */
  struct window_disk *wd;       /* per disk window state */
  FILE *out;                    /* human summary: stdout, or stderr with --json */
  json_object *result;          /* --json: what this run did (windows, downtime...) */
};

static bool
meta_true (const struct disk_volume *v, const char *key)
{
  const char *s = kv_get (&v->meta, key);
  return s && (strcmp (s, "true") == 0 || strcmp (s, "True") == 0);
}

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
  free (r->host);
  volume_ctx_close (&r->vx);
  vm_lock_release (r->lock);
  vs_vm_free (&r->vm);
  vs_disconnect (r->vs);
}

/* Detach everything we attached; errors are reported, not fatal. */
static void
detach_all (struct run *r)
{
  for (size_t i = 0; r->vols && i < r->vm.ndisks; i++) {
    struct vmerr e = { 0 };
    if (r->vols[i].id && volume_detach (&r->vx, &r->vols[i], &e) == -1)
      log_error ("could not detach volume %s: %s", r->vols[i].id, e.msg);
  }
}

static int
do_window (struct run *r, const char *what, struct vmerr *err)
{
  struct window_result res;

  log_info ("%s window for VM '%s' (%zu disk%s)", what, r->vm.name, r->vm.ndisks,
            r->vm.ndisks == 1 ? "" : "s");
  if (window_run (r->cfg, r->vs, &r->vx, &r->vm, r->wd, r->vm.ndisks, &res, err) == -1)
    return -1;
  fprintf (r->out, "%s window: %.1f MiB copied in %.1f s\n", what, res.bytes / 1048576.0,
           res.seconds);
  json_object *jw = json_object_new_object (), *jd = json_object_new_array ();
  json_object_object_add (jw, "kind", json_object_new_string (what));
  json_object_object_add (jw, "bytes", json_object_new_int64 (res.bytes));
  json_object_object_add (jw, "seconds", json_object_new_double (res.seconds));
  for (size_t i = 0; i < r->vm.ndisks; i++) {
    const char *cid = kv_get (&r->vols[i].meta, META_CHANGE_ID);
    fprintf (r->out, "  disk %d -> volume %s: %s, %.1f MiB, changeID %s\n", r->vm.disks[i].key,
             r->vols[i].id, r->wd[i].was_full ? "full" : "delta", r->wd[i].bytes / 1048576.0,
             cid ? cid : "-");
    json_object *d = json_object_new_object ();
    json_object_object_add (d, "disk_key", json_object_new_int (r->vm.disks[i].key));
    json_object_object_add (d, "volume_id", json_object_new_string (r->vols[i].id));
    json_object_object_add (d, "mode", json_object_new_string (r->wd[i].was_full ? "full" : "delta"));
    json_object_object_add (d, "bytes", json_object_new_int64 (r->wd[i].bytes));
    json_object_object_add (d, "changeID", cid ? json_object_new_string (cid) : NULL);
    json_object_array_add (jd, d);
    r->wd[i].force_full = false;
  }
  json_object_object_add (jw, "disks", jd);
  json_object_array_add (json_object_object_get (r->result, "windows"), jw);
  fflush (r->out);
  return 0;
}

/* Directory of the log file (malloc'd), /tmp without one. */
static char *
log_dir_for (const char *log_file)
{
  const char *slash = log_file ? strrchr (log_file, '/') : NULL;

  if (log_file == NULL)
    return strdup ("/tmp");
  if (slash == NULL)
    return strdup (".");
  return strndup (log_file, slash == log_file ? 1 : (size_t) (slash - log_file));
}

/* Conversion with a way back: Cinder snapshots first; on failure the
 * volumes are reverted so `cutover` can simply be run again. */
static int
convert_with_recovery (struct run *r, struct vmerr *err)
{
  size_t n = r->vm.ndisks;
  char **snaps = calloc (n, sizeof *snaps);
  const char **devs = calloc (n, sizeof *devs);
  char *log_path = NULL;
  int rc = -1;

  if (snaps == NULL || devs == NULL) {
    vmerr_set (err, VMERR_FAILED, "out of memory");
    goto out;
  }
  for (size_t i = 0; i < n; i++) {
    if (volume_snapshot (&r->vx, &r->vols[i], &snaps[i], err) == -1)
      goto out;
    devs[i] = r->vols[i].device;
  }
  /* The converter's log goes next to ours (or to /tmp without --log). */
  char *log_dir = log_dir_for (r->cfg->log_file);
  if (log_dir == NULL) {
    vmerr_set (err, VMERR_FAILED, "out of memory");
    goto out;
  }
  struct convert_job job = {
    .command = r->cfg->v2v_command, .vm_name = r->vm.name, .firmware = r->vm.firmware,
    .ndevices = n, .devices = devs, .log_dir = log_dir,
    .noptions = r->cfg->n_v2v_options, .options = r->cfg->v2v_options,
    .nrun = r->cfg->n_v2v_run, .run = r->cfg->v2v_run,
    .nfirstboot = r->cfg->n_v2v_firstboot, .firstboot = r->cfg->v2v_firstboot,
    .customize = r->cfg->v2v_customize, .customize_command = r->cfg->v2v_customize_command,
  };
  if (r->cfg->v2v_keep_nic_names) {
    job.nmacs = r->vm.nnics;
    job.macs = (const char *const *) r->vm.nic_macs;
  }
  rc = convert_run (&job, &log_path, err);
  free (log_dir);
  if (rc == -1) {
    struct vmerr e2 = { 0 };
    char why[sizeof err->msg];
    bool reverted = true;
    snprintf (why, sizeof why, "%s", err->msg);
    detach_all (r);
    for (size_t i = 0; i < n; i++)
      if (volume_revert (&r->vx, &r->vols[i], snaps[i], &e2) == -1) {
        log_error ("could not revert volume %s to snapshot %s: %s", r->vols[i].id, snaps[i], e2.msg);
        reverted = false;
      }
    vmerr_set (err, VMERR_CONVERT, "%s; %s", why,
               reverted ? "the volumes were reverted to their state before conversion: fix the "
                          "cause and run the cutover again"
                        : "some volumes could not be reverted: their Cinder snapshots are kept "
                          "(revert them with 'openstack volume revert' before retrying)");
    if (!reverted)
      goto keep_snaps;
  }
  else
    log_info ("conversion succeeded (log: %s)", log_path);
out:
  for (size_t i = 0; snaps && i < n; i++)
    if (snaps[i]) {
      struct vmerr e3 = { 0 };
      if (volume_snapshot_delete (&r->vx, snaps[i], &e3) == -1)
        log_warn ("could not delete recovery snapshot %s: %s", snaps[i], e3.msg);
    }
keep_snaps:
  for (size_t i = 0; snaps && i < n; i++)
    free (snaps[i]);
  free (snaps);
  free (devs);
  free (log_path);
  return rc;
}

static int
cutover (struct run *r, bool any_found, struct vmerr *err)
{
  bool convert = !r->cfg->skip_conversion;
  bool stop = convert && !r->cfg->no_shutdown;
  double down_start = 0, t_off = 0, t_delta = 0, t_conv = 0, now;

  if (!convert)
    return do_window (r, "final", err);

  bool running = stop && strcmp (r->vm.power_state, "poweredOn") == 0;
  /* Catch up while the guest still runs, so the stopped window is short. */
  if (running && r->cfg->cbt_sync && do_window (r, any_found ? "catch-up" : "seeding", err) == -1)
    return -1;
  if (running) {
    bool hard;
    down_start = clock_now ();
    log_info ("stopping VM '%s' for the final window", r->vm.name);
    if (vs_power_off (r->vs, r->vm.moref, r->cfg->shutdown_timeout, &hard, err) == -1)
      return -1;
    t_off = clock_now () - down_start;
    log_info ("VM '%s' is off (%s, %.1f s)", r->vm.name, hard ? "hard power-off" : "guest shutdown", t_off);
  }
  now = clock_now ();
  if (do_window (r, "final", err) == -1)
    return -1;
  t_delta = clock_now () - now;
  now = clock_now ();
  if (convert_with_recovery (r, err) == -1)
    return -1;
  t_conv = clock_now () - now;
  for (size_t i = 0; i < r->vm.ndisks; i++) {
    struct kv kv = { 0 };
    int rc = kv_set (&kv, META_CONVERTED, "true") == -1 ? vmerr_set (err, VMERR_FAILED, "out of memory")
             : volume_set_meta (&r->vx, &r->vols[i], &kv, err);
    kv_free (&kv);
    if (rc == -1)
      return -1;
  }
  if (volume_mark_boot (&r->vx, &r->vols[0], &r->vm, err) == -1)
    return -1;
  json_object_object_add (r->result, "converted", json_object_new_boolean (true));
  if (running) {
    double down = clock_now () - down_start;
    fprintf (r->out, "downtime: %.1f s (guest stop %.1f s, final window %.1f s, conversion "
             "%.1f s)\n", down, t_off, t_delta, t_conv);
    json_object_object_add (r->result, "downtime_seconds", json_object_new_double (down));
  }
  fprintf (r->out, "VM '%s' converted: volumes", r->vm.name);
  for (size_t i = 0; i < r->vm.ndisks; i++)
    fprintf (r->out, " %s", r->vols[i].id);
  fprintf (r->out, "\n");
  return 0;
}

/* Find each disk's volume and decide whether this run may proceed. */
static int
load_volumes (struct run *r, bool *any_found, bool *converted, struct vmerr *err)
{
  size_t n = r->vm.ndisks;

  *any_found = *converted = false;
  r->vols = calloc (n, sizeof *r->vols);
  r->found = calloc (n, sizeof *r->found);
  r->wd = calloc (n, sizeof *r->wd);
  if (!r->vols || !r->found || !r->wd)
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  for (size_t i = 0; i < n; i++) {
    if (volume_find (&r->vx, &r->vm, &r->vm.disks[i], &r->vols[i], &r->found[i], err) == -1)
      return -1;
    *any_found |= r->found[i];
    if (r->found[i] && meta_true (&r->vols[i], META_CONVERTED))
      *converted = true;
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
      if (volume_create (&r->vx, &r->vm, d, &r->vols[i], err) == -1)
        return -1;
      r->wd[i].force_full = true;
    }
    else if (r->vols[i].size_bytes < d->capacity) {
      log_warn ("disk %d grew to %.1f GiB: extending volume %s and copying the whole disk",
                d->key, d->capacity / 1073741824.0, r->vols[i].id);
      if (volume_extend (&r->vx, &r->vols[i], d->capacity, err) == -1)
        return -1;
      r->wd[i].force_full = true;
    }
    if (volume_attach (&r->vx, &r->vols[i], err) == -1)
      return -1;
  }
  return 0;
}

int
migrate_run (const struct config *cfg, struct vmerr *err)
{
  struct run r = { .cfg = cfg, .out = cfg->json ? stderr : stdout };
  bool any_found, converted;
  char *moref = NULL;
  int removed, rc = -1;

  interrupt_install ();
  r.result = json_object_new_object ();
  json_object_object_add (r.result, "vm", json_object_new_string (cfg->vm));
  json_object_object_add (r.result, "command", json_object_new_string (cfg->command));
  json_object_object_add (r.result, "cbt_sync", json_object_new_boolean (cfg->cbt_sync));
  json_object_object_add (r.result, "cutover", json_object_new_boolean (cfg->cutover));
  json_object_object_add (r.result, "already_converted", json_object_new_boolean (false));
  json_object_object_add (r.result, "converted", json_object_new_boolean (false));
  json_object_object_add (r.result, "windows", json_object_new_array ());
  r.vs = connect_vsphere (cfg, err);
  if (r.vs == NULL)
    goto out;
  if (vs_find_vm (r.vs, cfg->vm, &moref, err) == -1 || vs_vm_read (r.vs, moref, &r.vm, err) == -1)
    goto out;
  r.lock = vm_lock_take (vm_lock_default_dir (), r.vm.instance_uuid ? r.vm.instance_uuid : moref,
                         r.vm.name, err);
  if (r.lock == NULL || check_disks (&r.vm, err) == -1)
    goto out;
  if (volume_ctx_open (&r.vx, cfg, err) == -1)
    goto out;
  if (load_volumes (&r, &any_found, &converted, err) == -1)
    goto out;
  if (converted) {
    fprintf (r.out, "Volume already converted: VM '%s' was migrated; nothing to do\n", r.vm.name);
    json_object_object_add (r.result, "already_converted", json_object_new_boolean (true));
    json_object_object_add (r.result, "converted", json_object_new_boolean (true));
    log_info ("Volume already converted (VM '%s')", r.vm.name);
    rc = 0;
    goto out;
  }
  for (size_t i = 0; i < r.vm.ndisks && !cfg->cbt_sync; i++)
    if (r.found[i]) {
      vmerr_set (err, VMERR_PRECONDITION, "volume already exists: volume %s holds disk %d of "
                 "VM '%s'; continue with cbtsync (vmigrate sync/cutover) or delete the volume "
                 "to start over", r.vols[i].id, r.vm.disks[i].key, r.vm.name);
      goto out;
    }
  if ((cfg->cbt_sync || !cfg->cutover) && ensure_cbt (&r, err) == -1)
    goto out;
  /* What a killed run left: its snapshot here, its attachments there. */
  if (vs_snapshot_remove_ours (r.vs, &r.vm, &removed, err) == -1)
    goto out;
  if (prepare_volumes (&r, err) == -1)
    goto out;
  if (!cfg->cutover)
    rc = do_window (&r, "seeding", err);
  else
    rc = cutover (&r, any_found, err);
out:
  if (rc == -1 && interrupted () && err->code != VMERR_INTERRUPTED)
    vmerr_prefix (err, "interrupted: ");
  detach_all (&r);
  if (cfg->json) {
    json_object *vols = json_object_new_array ();
    for (size_t i = 0; r.vols && i < r.vm.ndisks; i++)
      if (r.vols[i].id)
        json_object_array_add (vols, json_object_new_string (r.vols[i].id));
    json_object_object_add (r.result, "volumes", vols);
    json_object_object_add (r.result, "ok", json_object_new_boolean (rc == 0));
    json_object_object_add (r.result, "error", rc == 0 ? NULL : json_object_new_string (err->msg));
    json_object_object_add (r.result, "exit_code", json_object_new_int (rc == 0 ? 0 : err->code));
    puts (json_object_to_json_string_ext (r.result, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    fflush (stdout);
  }
  json_object_put (r.result);
  free (moref);
  run_free (&r);
  return rc;
}
