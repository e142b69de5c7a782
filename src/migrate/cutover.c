/* The cutover: catch up while the guest runs, stop it, copy the last
 * delta, convert all disks at once with a way back (Cinder snapshots,
 * reverted when the conversion fails), mark the volumes converted. */
#include "run.h"
#include "clock.h"
#include "convert.h"
#include "log.h"
#include "power.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    run_detach_all (r, &e2);  /* a volume still attached fails its revert below */
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

int
cutover_run (struct run *r, bool any_found, struct vmerr *err)
{
  bool convert = !r->cfg->skip_conversion;
  bool stop = convert && !r->cfg->no_shutdown;
  double down_start = 0, t_off = 0, t_delta = 0, t_conv = 0, now;

  if (!convert)
    return run_window (r, "final", err);

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
  r->res->converted = true;
  if (running) {
    r->res->stopped = true;
    r->res->downtime_s = clock_now () - down_start;
    r->res->stop_s = t_off;
    r->res->final_s = t_delta;
    r->res->convert_s = t_conv;
  }
  return 0;
}
