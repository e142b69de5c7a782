/* The cutover: catch up while the guest runs, stop it, copy the last
 * delta, convert all disks at once with a way back (recovery.h), then the
 * steps after conversion, converted=true last. */
#include "run.h"
#include "clock.h"
#include "convert.h"
#include "log.h"
#include "power.h"
#include "recovery.h"
#include "virtio-win.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Run the converter over the attached volumes. */
static int
convert_volumes (struct run *r, struct vmerr *err)
{
  size_t n = r->vm.ndisks;
  const char **devs = calloc (n, sizeof *devs);
  char *log_path = NULL;
  int rc = -1;

  if (devs == NULL)
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  for (size_t i = 0; i < n; i++) {
    if (volume_attach (&r->vx, &r->vols[i], err) == -1) {
      free (devs);
      return -1;
    }
    devs[i] = r->vols[i].device;
  }
  struct convert_job job = {
    .command = r->cfg->v2v_command, .vm_name = r->vm.name, .firmware = r->vm.firmware,
    .ndevices = n, .devices = devs, .log_dir = r->log_dir,
    .noptions = r->cfg->n_v2v_options, .options = r->cfg->v2v_options,
    .nrun = r->cfg->n_v2v_run, .run = r->cfg->v2v_run,
    .nfirstboot = r->cfg->n_v2v_firstboot, .firstboot = r->cfg->v2v_firstboot,
    .customize = r->cfg->v2v_customize, .customize_command = r->cfg->v2v_customize_command,
    .virtio_win = r->virtio_win,
  };
  const char **macs = NULL;
  if (r->cfg->v2v_keep_nic_names && r->vm.nnics > 0) {
    if ((macs = calloc (r->vm.nnics, sizeof *macs)) == NULL) {
      free (devs);
      return vmerr_set (err, VMERR_FAILED, "out of memory");
    }
    for (size_t i = 0; i < r->vm.nnics; i++)
      macs[i] = r->vm.nics[i].mac;
    job.nmacs = r->vm.nnics;
    job.macs = macs;
  }
  rc = convert_run (&job, &log_path, err);
  free (macs);
  if (rc == 0)
    log_info ("conversion succeeded (log: %s)", log_path);
  free (log_path);
  free (devs);
  return rc;
}

/* Conversion with a way back: recovery snapshots and marks first; on
 * failure the volumes are reverted so `cutover` can simply be run again. */
static int
convert_with_recovery (struct run *r, struct vmerr *err)
{
  if (recovery_prepare (r, err) == -1)
    return -1;
  if (convert_volumes (r, err) == 0)
    return cutover_mark_all (r, META_CONVERSION, CONVERSION_DONE, err);

  struct vmerr e2 = { 0 };
  char why[sizeof err->msg];
  snprintf (why, sizeof why, "%s", err->msg);
  /* Detached first: a volume still attached fails its revert below. */
  run_detach_all (r, &e2);
  bool reverted = recovery_revert (r, &e2) == 0;
  if (!reverted)
    log_error ("%s", e2.msg);
  vmerr_set (err, VMERR_CONVERT, "%s; %s", why,
             reverted ? "the volumes were reverted to their state before conversion: fix the "
                        "cause and run the cutover again"
                      : "some volumes could not be put back yet: they stay marked as "
                        "interrupted, and the next run puts them back before anything else");
  return -1;
}

int
cutover_mark_all (struct run *r, const char *key, const char *value, struct vmerr *err)
{
  for (size_t i = 0; i < r->vm.ndisks; i++) {
    struct kv kv = { 0 };
    int rc = kv_set (&kv, key, value) == -1 ? vmerr_set (err, VMERR_FAILED, "out of memory")
             : volume_set_meta (&r->vx, &r->vols[i], &kv, err);
    kv_free (&kv);
    if (rc == -1)
      return -1;
  }
  return 0;
}

int
cutover_finish (struct run *r, struct vmerr *err)
{
  /* Each step may be redone: a run killed between them does it again. */
  if (volume_mark_boot (&r->vx, &r->vols[0], &r->vm, err) == -1 ||
      recovery_drop_snapshots (r, err) == -1 ||
      cutover_mark_all (r, META_RECOVERY_SNAPSHOT, "", err) == -1 ||
      cutover_mark_all (r, META_CONVERTED, "true", err) == -1)
    return -1;
  r->res->converted = true;
  return 0;
}

int
cutover_run (struct run *r, bool any_found, struct vmerr *err)
{
  bool convert = !r->cfg->skip_conversion;
  bool stop = convert && !r->cfg->no_shutdown;
  double down_start = 0, t_off = 0, t_delta = 0, t_conv = 0, now;

  if (!convert)
    return run_window (r, "final", err);
  /* Without drivers the converted Windows guest would not boot: find them
   * before anything stops it. */
  if (vs_vm_is_windows (&r->vm) && r->virtio_win == NULL &&
      virtio_win_find (r->cfg->virtio_win, &r->virtio_win, err) == -1)
    return -1;

  bool running = stop && strcmp (r->vm.power_state, "poweredOn") == 0;
  /* Catch up while the guest still runs, so the stopped window is short. */
  if (running && r->cfg->cbt_sync && run_window (r, any_found ? "catch-up" : "seeding", err) == -1)
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
  if (run_window (r, "final", err) == -1)
    return -1;
  t_delta = clock_now () - now;
  now = clock_now ();
  if (convert_with_recovery (r, err) == -1)
    return -1;
  t_conv = clock_now () - now;
  if (cutover_finish (r, err) == -1)
    return -1;
  if (running) {
    r->res->stopped = true;
    r->res->downtime_s = clock_now () - down_start;
    r->res->stop_s = t_off;
    r->res->final_s = t_delta;
    r->res->convert_s = t_conv;
  }
  return 0;
}
