/* Cinder snapshots: the way back for a volume (revert in volume.c). */
#include "cinder-internal.h"
#include "util.h"
#include "vector.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
os_snapshot_parse (json_object *o, struct os_snapshot *s, struct vmerr *err)
{
  memset (s, 0, sizeof *s);
  s->id = osj_dup (o, "id");
  s->volume_id = osj_dup (o, "volume_id");
  s->name = osj_dup (o, "name");
  s->status = osj_dup (o, "status");
  s->created_at = osj_dup (o, "created_at");
  if (s->id == NULL || s->volume_id == NULL || s->status == NULL ||
      osj_to_kv (osj_get (o, "metadata", json_type_object), &s->metadata) == -1)
    return vmerr_set (err, VMERR_OPENSTACK, "cannot read Cinder's description of snapshot %s "
                      "(no id, volume_id or status, or out of memory)",
                      osj_str (o, "id") ? osj_str (o, "id") : "?");
  if (osj_size_gib (o, "size", &s->size_gib) == -1)
    return vmerr_set (err, VMERR_OPENSTACK, "Cinder sent snapshot %s without a usable size "
                      "(absent, negative or over %lld GiB)", s->id, (long long) OS_MAX_GIB);
  return 0;
}

void
os_snapshot_free (struct os_snapshot *s)
{
  free (s->id);
  free (s->volume_id);
  free (s->name);
  free (s->status);
  free (s->created_at);
  kv_free (&s->metadata);
  memset (s, 0, sizeof *s);
}

void
os_snapshot_list_free (struct os_snapshot_list *l)
{
  for (size_t i = 0; i < l->n; i++)
    os_snapshot_free (&l->items[i]);
  free (l->items);
  memset (l, 0, sizeof *l);
}

static json_object *
create_body (const char *volume_id, const char *name, const char *description,
             const struct kv *metadata, bool force)
{
  json_object *root = json_object_new_object (), *snap = json_object_new_object (), *meta;
  bool ok = root && snap && osj_add_str (snap, "volume_id", volume_id) == 0 &&
            osj_add_str (snap, "name", name) == 0 &&
            osj_add_str (snap, "description", description) == 0 &&
            json_object_object_add (snap, "force", json_object_new_boolean (force)) == 0;

  if (ok && metadata) {
    meta = osj_from_kv (metadata);
    ok = meta && json_object_object_add (snap, "metadata", meta) == 0;
  }
  if (ok) {
    ok = json_object_object_add (root, "snapshot", snap) == 0;
    snap = NULL;
  }
  json_object_put (snap);
  if (!ok) {
    json_object_put (root);
    return NULL;
  }
  return root;
}

int
os_snapshot_create (struct os_conn *c, const char *volume_id, const char *name,
                    const char *description, const struct kv *metadata, bool force,
                    char **id, struct vmerr *err)
{
  json_object *body = create_body (volume_id, name, description, metadata, force);

  if (os_cinder_create (c, "snapshots", "snapshot", body, id, err) == -1) {
    vmerr_prefix (err, "snapshotting volume %s: ", volume_id);
    return -1;
  }
  log_debug ("snapshot %s of volume %s created", *id, volume_id);
  return 0;
}

int
os_snapshot_show (struct os_conn *c, const char *id, struct os_snapshot *s, struct vmerr *err)
{
  json_object *o = os_cinder_get (c, "snapshots", id, "snapshot", NULL, err);
  int rc = o ? os_snapshot_parse (o, s, err) : -1;

  if (o == NULL)
    memset (s, 0, sizeof *s);
  json_object_put (o);
  return rc;
}

int
os_snapshot_wait (struct os_conn *c, const char *id, const char *status, int timeout_s,
                  struct vmerr *err)
{
  return os_cinder_wait (c, "snapshot", id, status, timeout_s, NULL, err);
}

int
os_snapshot_delete (struct os_conn *c, const char *id, struct vmerr *err)
{
  if (os_cinder_delete (c, "snapshots", id, NULL, err) == -1) {
    vmerr_prefix (err, "deleting snapshot %s: ", id);
    return -1;
  }
  return 0;
}

struct list_ctx {
  const char *volume_id;          /* keep only this volume's snapshots */
  struct os_snapshot_list *out;
};

static int
add_snapshot (json_object *item, void *opaque, struct vmerr *err)
{
  struct list_ctx *l = opaque;
  struct os_snapshot s;

  if (os_snapshot_parse (item, &s, err) == -1) {
    os_snapshot_free (&s);
    return -1;
  }
  if (strcmp (s.volume_id, l->volume_id) != 0) {
    os_snapshot_free (&s);
    return 0;
  }
  if (vector_grow (&l->out->items, &l->out->cap, l->out->n + 1, sizeof s) == -1) {
    os_snapshot_free (&s);
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  }
  l->out->items[l->out->n++] = s;
  return 0;
}

int
os_snapshot_list (struct os_conn *c, const char *volume_id, struct os_snapshot_list *out,
                  struct vmerr *err)
{
  struct list_ctx l = { volume_id, out };
  char *v = os_url_escape (volume_id), *query = NULL;
  int rc = -1;

  memset (out, 0, sizeof *out);
  if (v == NULL || asprintf (&query, "volume_id=%s", v) < 0) {
    free (v);
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  }
  rc = os_cinder_list (c, "/snapshots/detail", "snapshots", query, add_snapshot, &l, err);
  if (rc == -1) {
    os_snapshot_list_free (out);
    vmerr_prefix (err, "listing snapshots of volume %s: ", volume_id);
  }
  free (v);
  free (query);
  return rc;
}
