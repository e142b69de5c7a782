/* Who works on a VM, across conversion hosts (see owner.h). */
#include "owner.h"
#include "log.h"
#include "cinder.h"
#include "nova.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { DETACH_TIMEOUT_S = 600 };

/* The record of this run: "host=SERVER pid=N since=ISO name=HOSTNAME". */
static void
record_of_this_run (struct run *r, char *buf, size_t n)
{
  char name[128] = "?";

  if (r->owner_since[0] == '\0')
    state_utc_now (r->owner_since, sizeof r->owner_since);
  if (gethostname (name, sizeof name) == -1)
    snprintf (name, sizeof name, "?");
  name[strcspn (name, " ")] = '\0';
  snprintf (buf, n, "host=%s pid=%ld since=%s name=%s", r->vx.host, (long) getpid (),
            r->owner_since, name);
}

/* The host= word of a record (into BUF), "" when there is none. */
static const char *
record_host (const char *rec, char *buf, size_t n)
{
  const char *h = rec ? strstr (rec, "host=") : NULL;

  buf[0] = '\0';
  if (h && (h == rec || h[-1] == ' '))
    snprintf (buf, n, "%.*s", (int) strcspn (h + 5, " "), h + 5);
  return buf;
}

/* Detach volume V from SERVER, another conversion host (--take-over). */
static int
detach_from (struct run *r, struct disk_volume *v, const char *server, struct vmerr *err)
{
  log_warn ("--take-over: detaching volume %s from conversion host %s", v->id, server);
  if (os_server_detach (r->vx.os, server, v->id, err) == -1 ||
      os_volume_wait (r->vx.os, v->id, "available", DETACH_TIMEOUT_S, NULL, err) == -1) {
    vmerr_prefix (err, "taking volume %s over from conversion host %s: ", v->id, server);
    return -1;
  }
  free (v->attached_to);
  v->attached_to = NULL;
  return 0;
}

/* Refuse (or, with --take-over, take) a volume another host holds. */
static int
check_volume (struct run *r, struct disk_volume *v, struct vmerr *err)
{
  const char *rec = kv_get (&v->meta, META_OWNER);
  char host[128];
  bool other_record = *record_host (rec, host, sizeof host) && strcmp (host, r->vx.host) != 0;
  bool other_attach = v->attached_to && strcmp (v->attached_to, r->vx.host) != 0;

  if (!other_record && !other_attach) {
    if (rec && *rec)
      log_info ("volume %s: taking over from an earlier run on this host that ended (%s)",
                v->id, rec);
    return 0;
  }
  const char *who = other_attach ? v->attached_to : host;
  if (!r->cfg->take_over)
    return vmerr_set (err, VMERR_LOCKED, "VM '%s' is in progress on conversion host %s "
                      "(volume %s %s%s%s): nothing was changed; wait for that run to end, "
                      "or, if it is gone (killed, host lost), run again with --take-over",
                      r->vm.name, who, v->id, other_attach ? "is attached to it" : "records",
                      other_record ? (other_attach ? "; record " : " ") : "",
                      other_record ? rec : "");
  log_warn ("--take-over: VM '%s' was in progress on conversion host %s (%s)", r->vm.name, who,
            rec && *rec ? rec : "no record");
  return other_attach ? detach_from (r, v, v->attached_to, err) : 0;
}

int
owner_mark (struct run *r, size_t i, struct vmerr *err)
{
  struct kv kv = { 0 };
  char rec[512];
  int rc;

  record_of_this_run (r, rec, sizeof rec);
  rc = kv_set (&kv, META_OWNER, rec) == -1 ? vmerr_set (err, VMERR_FAILED, "out of memory")
       : volume_set_meta (&r->vx, &r->vols[i], &kv, err);
  kv_free (&kv);
  return rc;
}

int
owner_claim (struct run *r, struct vmerr *err)
{
  size_t first = r->vm.ndisks;
  char rec[512];
  struct kv now = { 0 };
  int rc = -1;

  /* Every check before any write: a refused run changes nothing. */
  for (size_t i = 0; i < r->vm.ndisks; i++)
    if (r->found[i] && !r->cfg->take_over && check_volume (r, &r->vols[i], err) == -1)
      return -1;
  for (size_t i = 0; i < r->vm.ndisks; i++) {
    if (!r->found[i])
      continue;
    if ((r->cfg->take_over && check_volume (r, &r->vols[i], err) == -1) ||
        owner_mark (r, i, err) == -1)
      return -1;
    if (first == r->vm.ndisks)
      first = i;
  }
  if (first == r->vm.ndisks)
    return 0;
  /* Two hosts that claimed at once: the last writer wins, the other sees
   * the winner's record when it reads it back. */
  record_of_this_run (r, rec, sizeof rec);
  if (os_volume_metadata_get (r->vx.os, r->vols[first].id, &now, err) == -1)
    goto out;
  const char *got = kv_get (&now, META_OWNER);
  if (got == NULL || strcmp (got, rec) != 0) {
    vmerr_set (err, VMERR_LOCKED, "VM '%s' was claimed at the same moment by another run "
               "(%s): this run stops; run it again once that one has ended", r->vm.name,
               got ? got : "record removed");
    goto out;
  }
  rc = 0;
out:
  kv_free (&now);
  return rc;
}

void
owner_release (struct run *r)
{
  char host[128];

  for (size_t i = 0; r->vols && i < r->vm.ndisks; i++) {
    const char *cur = kv_get (&r->vols[i].meta, META_OWNER);
    struct kv kv = { 0 };
    struct vmerr e = { 0 };
    /* Records of this host only: ours, or of a run here that was killed
     * (we hold the VM's lock, so it has ended).  A refused run leaves the
     * other host's record alone. */
    if (r->vols[i].id == NULL || r->lock == NULL || r->vx.host == NULL || cur == NULL ||
        strcmp (record_host (cur, host, sizeof host), r->vx.host) != 0)
      continue;
    if (kv_set (&kv, META_OWNER, "") == -1 || volume_set_meta (&r->vx, &r->vols[i], &kv, &e) == -1)
      log_warn ("volume %s keeps this run's owner record (%s): the next run on this host "
                "takes it over by itself", r->vols[i].id, e.msg[0] ? e.msg : "out of memory");
    kv_free (&kv);
  }
}
