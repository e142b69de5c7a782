/* One copy window (see window.h).  The order of operations is the
 * durability guarantee: snapshot, read its changeId, copy from it, flush,
 * and only then record the changeId and "complete". */
#include "window.h"
#include "netmap.h"
#include "engine.h"
#include "rate.h"
#include "clock.h"
#include "target.h"
#include "interrupt.h"
#include "thread.h"
#include "log.h"
#include "source.h"
#include "cbt.h"
#include "snapshot.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
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

/* One disk's part of the window, planned on the run's thread (vSphere,
 * Cinder) and copied on a worker thread (nbdkit, the volume only: no API
 * call, so nothing shared but the progress sink, the rate and the cancel
 * flag, which are thread-safe). */
struct disk_job {
  const struct config *cfg;
  const struct vs_vm *vm;
  const char *snap;
  const struct vs_disk *sd;       /* the disk as of the snapshot */
  struct window_disk *wd;
  struct extent_list ext;         /* what to copy */
  bool zero;                      /* the volume reads as zeroes where nothing is written */
  struct progress_sink *progress;
  struct rate *rate;              /* --max-rate, the whole VM */
  atomic_bool *cancel;            /* a disk failed: the others stop */
  unsigned share;                 /* disks copied at the same time as this one */
  /* Results. */
  struct copy_stats st;           /* the copy */
  double verify_s;                /* --verify's time */
  int rc;                         /* 0 when flushed (and verified) */
  bool first_failure;             /* this disk's failure stopped the others */
  struct vmerr err;
};

/* Plan DISK's window (run thread): its areas, and the marks a full copy
 * needs before it starts. */
static int
plan_job (struct vs_conn *vs, struct volume_ctx *vx, struct disk_job *j, struct vmerr *err)
{
  struct window_disk *wd = j->wd;
  struct kv kv = { 0 };

  if (plan_disk (vs, j->vm, j->snap, j->sd, wd, &j->ext, err) == -1)
    return -1;
  if (wd->was_full) {
    /* Until this full copy is flushed, the volume must not pass for seeded. */
    if (!state_copy_is (&wd->vol->meta, COPY_STATE_INCOMPLETE)) {
      int rc = kv_set (&kv, META_COPY_STATE, COPY_STATE_INCOMPLETE) == -1
               ? vmerr_set (err, VMERR_FAILED, "out of memory")
               : volume_set_meta (vx, wd->vol, &kv, err);
      kv_free (&kv);
      if (rc == -1)
        return -1;
    }
    /* A used volume keeps old bytes where the source no longer allocates
     * (guest TRIM, thin reclaim): only a fresh one may go unzeroed. */
    if (wd->fresh && volume_reads_zero (vx, wd->vol, &j->zero, err) == -1)
      return -1;
  }
  log_info ("disk %d: %s copy of %zu areas, %.1f MiB%s", j->sd->key,
            wd->was_full ? "full" : "delta", j->ext.n, extent_total (&j->ext) / 1048576.0,
            wd->was_full && !j->zero ? ", the rest of the volume zeroed" : "");
  extent_coalesce (&j->ext, 64 * 1024);
  return 0;
}

/* A full copy onto a volume that may hold old bytes zeroes what it does
 * not copy. */
static bool
job_zeroes_rest (const struct disk_job *j)
{
  return j->wd->was_full && !j->zero;
}

static struct copy_opts
job_copy_opts (const struct disk_job *j)
{
  const struct config *c = j->cfg;
  /* Each VDDK connection is an NFC session that vCenter counts: one per
   * disk unless the operator asks for more (docs/performance.md). */
  unsigned conns = c->connections > 0 ? (unsigned) c->connections
                   : c->transport == TRANSPORT_VDDK ? 1 : 0;

  return (struct copy_opts) {
    .request_size = (size_t) c->request_size, .requests = (unsigned) c->requests,
    .connections = conns, .skip_zeros = j->zero, .rate = j->rate, .cancel = j->cancel,
    .share = j->share,
  };
}

/* Copy, zero, flush and verify one disk (worker thread). */
static void
run_job (struct disk_job *j)
{
  const struct vs_disk *sd = j->sd;
  struct window_disk *wd = j->wd;
  struct source_spec spec = { 0 };
  struct source *src = NULL;
  struct target *t = NULL;
  struct vmerr *err = &j->err;
  char label[64];
  bool complement = job_zeroes_rest (j);

  j->rc = -1;
  j->verify_s = j->cfg->verify ? 0 : -1;
  snprintf (label, sizeof label, "disk %d", sd->key);
  if (atomic_load (j->cancel)) {
    vmerr_set (err, VMERR_COPY, "not copied: another disk of the VM failed");
    goto out;
  }
  if (j->ext.n == 0 && !complement) {
    j->rc = 0;  /* nothing changed: nothing to serve, write or flush */
    goto out;
  }
  if (source_spec_for (j->cfg, j->vm->moref, j->snap, sd->key, sd->file, &spec, err) == -1)
    goto out;
  src = j->ext.n ? source_start (&spec, err) : NULL;
  if ((j->ext.n && src == NULL) || (t = target_open (wd->vol->device, err)) == NULL)
    goto out;
  if (target_size (t) < sd->capacity) {
    vmerr_set (err, VMERR_COPY, "the volume device %s holds %" PRId64 " bytes, less than "
               "disk %d's %" PRId64, wd->vol->device, target_size (t), sd->key, sd->capacity);
    goto out;
  }
  wd->fresh = false;  /* from here on it holds our bytes, even if the copy fails */
  /* A fresh volume that reads as zeroes needs no zero written: its
   * allocation then equals the source's non-zero data. */
  struct copy_opts co = job_copy_opts (j);
  int crc = 0;
  if (j->ext.n) {
    co.prog = progress_begin (j->progress, label, "copy", extent_total (&j->ext));
    crc = copy_extents (source_socket (src), t, &j->ext, &co, &j->st, err);
    progress_end (co.prog, crc == 0);
    if (crc == -1)
      goto out;
  }
  if (complement) {
    co.prog = progress_begin (j->progress, label, "zero", sd->capacity - extent_total (&j->ext));
    crc = copy_zero_complement (t, &j->ext, sd->capacity, co.prog, &j->st, err);
    progress_end (co.prog, crc == 0);
    if (crc == -1)
      goto out;
  }
  if (target_flush (t, err) == -1)
    goto out;
  if (j->cfg->verify && j->ext.n) {
    struct copy_stats vst;
    co.prog = progress_begin (j->progress, label, "verify", extent_total (&j->ext));
    crc = copy_verify (source_socket (src), t, &j->ext, &co, &vst, err);
    progress_end (co.prog, crc == 0);
    if (crc == -1)
      goto out;
    j->verify_s = vst.seconds;
    log_info ("disk %d: verified %.1f MiB in %.1f s: the volume equals the source", sd->key,
              vst.bytes_compared / 1048576.0, vst.seconds);
  }
  j->rc = 0;
out:
  if (j->rc == -1) {
    bool no = false;
    /* The first disk to fail stops the others; its error is the run's. */
    j->first_failure = atomic_compare_exchange_strong (j->cancel, &no, true);
  }
  target_close (t);
  source_stop (src);
  source_spec_free (&spec);
}

struct pool {
  pthread_mutex_t lock;
  struct disk_job *jobs;
  size_t n, next;
};

static void *
pool_worker (void *arg)
{
  struct pool *p = arg;

  for (;;) {
    pthread_mutex_lock (&p->lock);
    size_t i = p->next < p->n ? p->next++ : p->n;
    pthread_mutex_unlock (&p->lock);
    if (i == p->n)
      return NULL;
    run_job (&p->jobs[i]);
  }
}

/* Run the jobs, at most --parallel-disks at once (in disk order). */
static void
run_jobs (struct disk_job *jobs, size_t n, int parallel)
{
  struct pool p = { .jobs = jobs, .n = n };
  pthread_t th[16];
  size_t nth = 0, want = parallel < 1 ? 1 : (size_t) parallel;

  if (want > n)
    want = n;
  if (want > sizeof th / sizeof th[0])
    want = sizeof th / sizeof th[0];
  pthread_mutex_init (&p.lock, NULL);
  for (; nth + 1 < want; nth++)
    if (thread_start (&th[nth], pool_worker, &p) != 0)
      break;
  pool_worker (&p);  /* this thread is a worker too */
  for (size_t k = 0; k < nth; k++)
    pthread_join (th[k], NULL);
  pthread_mutex_destroy (&p.lock);
}

/* Data is durable (and verified): now, and only now, record where this
 * disk's window ended. */
static int
record_job (struct volume_ctx *vx, struct disk_job *j, struct vmerr *err)
{
  struct window_disk *wd = j->wd;
  struct kv kv = { 0 };
  int rc;

  wd->bytes = j->st.bytes_written + j->st.bytes_zeroed;
  wd->seconds = j->st.seconds;
  wd->verify_seconds = j->verify_s;
  wd->connections = j->st.connections;
  char *ips = netmap_guest_ips_text (j->vm->nics, j->vm->nnics);
  if (state_window_done (&kv, &wd->vol->meta, j->sd->change_id, wd->bytes, j->st.seconds,
                         j->sd->capacity) == -1 ||
      (ips && kv_set (&kv, META_GUEST_IPS, ips) == -1))
    rc = vmerr_set (err, VMERR_FAILED, "out of memory");
  else
    rc = volume_set_meta (vx, wd->vol, &kv, err);
  kv_free (&kv);
  free (ips);
  if (rc == 0)
    log_info ("disk %d: %.1f MiB in %.1f s (%u connection%s); changeID %s", j->sd->key,
              wd->bytes / 1048576.0, j->st.seconds, j->st.connections,
              j->st.connections == 1 ? "" : "s", j->sd->change_id ? j->sd->change_id
              : j->vm->cbt_enabled ? "(none: tracking not started)" : "(none: CBT off)");
  return rc;
}

/* Plan every disk, copy them (in parallel), record the ones that made it. */
static int
copy_disks (const struct config *cfg, struct vs_conn *vs, struct volume_ctx *vx,
            const struct vs_vm *vm, const char *snap, const struct vs_disk *sdisks,
            size_t nsd, struct window_disk *disks, size_t n, struct progress_sink *progress,
            struct window_result *res, struct vmerr *err)
{
  struct disk_job *jobs = calloc (n, sizeof *jobs);
  struct rate *rate = rate_new (cfg->max_rate);
  atomic_bool cancel = false;
  size_t planned = 0;
  int rc = -1;

  if (jobs == NULL || (cfg->max_rate > 0 && rate == NULL)) {
    vmerr_set (err, VMERR_FAILED, "out of memory");
    goto out;
  }
  for (; planned < n; planned++) {
    struct disk_job *j = &jobs[planned];
    *j = (struct disk_job) { .cfg = cfg, .vm = vm, .snap = snap, .wd = &disks[planned],
                             .progress = progress, .rate = rate, .cancel = &cancel };
    for (size_t k = 0; k < nsd; k++)
      if (sdisks[k].key == disks[planned].disk->key)
        j->sd = &sdisks[k];
    if (j->sd == NULL) {
      vmerr_set (err, VMERR_VSPHERE, "disk %d is not in snapshot %s (was it removed from the "
                 "VM during the run?)", disks[planned].disk->key, snap);
      goto out;
    }
    if (interrupted ()) {
      vmerr_set (err, VMERR_INTERRUPTED, "interrupted by signal %d", interrupt_signal ());
      goto out;
    }
    if (plan_job (vs, vx, j, err) == -1) {
      vmerr_prefix (err, "disk %d: ", j->sd->key);
      goto out;
    }
  }
  /* Only the volumes this window writes are attached (the API calls stay
   * on this thread). */
  for (size_t i = 0; i < n; i++)
    if ((jobs[i].ext.n > 0 || job_zeroes_rest (&jobs[i])) &&
        volume_attach (vx, jobs[i].wd->vol, err) == -1)
      goto out;
  /* The disks that copy share the automatic connections and writers. */
  unsigned busy = 0;
  for (size_t i = 0; i < n; i++)
    busy += jobs[i].ext.n > 0;
  unsigned at_once = cfg->parallel_disks < (int) busy ? (unsigned) cfg->parallel_disks : busy;
  for (size_t i = 0; i < n; i++)
    jobs[i].share = at_once;
  log_info ("copying %zu disk%s, up to %d at a time", n, n == 1 ? "" : "s",
            cfg->parallel_disks < (int) n ? cfg->parallel_disks : (int) n);
  run_jobs (jobs, n, cfg->parallel_disks);
  /* Record every disk whose data is flushed, even when another failed:
   * the next window then copies only what it must. */
  struct disk_job *failed = NULL;
  rc = 0;
  for (size_t i = 0; i < n; i++) {
    struct disk_job *j = &jobs[i];
    if (j->rc == 0) {
      struct vmerr e = { 0 };
      if (record_job (vx, j, &e) == -1) {
        j->rc = -1, j->err = e;
        if (failed == NULL || !failed->first_failure)
          failed = j;
      }
      else
        res->bytes += j->wd->bytes;
    }
    else if (failed == NULL || (j->first_failure && !failed->first_failure))
      failed = j;
  }
  if (failed) {
    *err = failed->err;
    vmerr_prefix (err, "disk %d: ", failed->sd->key);
    rc = -1;
  }
out:
  for (size_t i = 0; jobs && i < n; i++)
    extent_list_free (&jobs[i].ext);
  free (jobs);
  rate_free (rate);
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
  if (copy_disks (cfg, vs, vx, vm, snap, sdisks, nsd, disks, n, progress, res, err) == -1)
    goto out;
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
