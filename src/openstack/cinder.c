/* Cinder plumbing shared by volumes and snapshots: paths, actions,
 * status polling, paged listings. */
#include "cinder-internal.h"
#include "util.h"
#include "wait-until.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PAGES 10000

char *
os_cinder_path (const char *prefix, const char *id, const char *suffix)
{
  char *e = os_url_escape (id), *p = NULL;

  if (e && asprintf (&p, "/%s/%s%s", prefix, e, suffix ? suffix : "") < 0)
    p = NULL;
  free (e);
  return p;
}

int
os_cinder_action (struct os_conn *c, const char *id, const char *name, json_object *arg,
                  const char *microversion, struct vmerr *err)
{
  json_object *body = json_object_new_object ();
  char *path = os_cinder_path ("volumes", id, "/action");
  int rc = -1;

  if (body == NULL || path == NULL || arg == NULL || json_object_object_add (body, name, arg)) {
    json_object_put (arg);
    vmerr_set (err, VMERR_FAILED, "out of memory");
  }
  else
    rc = os_call (c, OS_VOLUME, "POST", path, microversion, body, NULL, NULL, err);
  if (rc == -1)
    vmerr_prefix (err, "%s on volume %s: ", name, id);
  json_object_put (body);
  free (path);
  return rc;
}

json_object *
os_cinder_get (struct os_conn *c, const char *collection, const char *id, const char *key,
               long *status, struct vmerr *err)
{
  char *path = os_cinder_path (collection, id, NULL);
  json_object *reply = NULL, *obj = NULL;

  if (status)
    *status = 0;
  if (path == NULL)
    vmerr_set (err, VMERR_FAILED, "out of memory");
  else if (os_call (c, OS_VOLUME, "GET", path, NULL, NULL, &reply, status, err) == 0 &&
           (obj = osj_get (reply, key, json_type_object)) == NULL)
    vmerr_set (err, VMERR_OPENSTACK, "Cinder GET %s: the reply has no '%s'", path, key);
  if (obj)
    json_object_get (obj);
  json_object_put (reply);
  free (path);
  return obj;
}

int
os_cinder_create (struct os_conn *c, const char *collection, const char *key,
                  json_object *body, char **id, struct vmerr *err)
{
  json_object *reply = NULL;
  char path[64];
  int rc = -1;

  *id = NULL;
  snprintf (path, sizeof path, "/%s", collection);
  if (body == NULL)
    vmerr_set (err, VMERR_FAILED, "out of memory");
  else if (os_call (c, OS_VOLUME, "POST", path, NULL, body, &reply, NULL, err) == 0) {
    *id = osj_dup (osj_get (reply, key, json_type_object), "id");
    if (*id)
      rc = 0;
    else
      vmerr_set (err, VMERR_OPENSTACK, "Cinder accepted the %s but sent no id", key);
  }
  json_object_put (reply);
  json_object_put (body);
  return rc;
}

int
os_cinder_delete (struct os_conn *c, const char *collection, const char *id,
                  const char *suffix, struct vmerr *err)
{
  char *path = os_cinder_path (collection, id, suffix);
  long status;
  int rc;

  if (path == NULL)
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  rc = os_call (c, OS_VOLUME, "DELETE", path, NULL, NULL, NULL, &status, err);
  free (path);
  return rc == -1 && status == 404 ? 0 : rc;
}

/* Statuses a volume passes through while Nova attaches or detaches it. */
static bool
attach_in_progress (const char *st)
{
  return strcmp (st, "attaching") == 0 || strcmp (st, "reserved") == 0 ||
         strcmp (st, "detaching") == 0;
}

/* Status ST ends a wait for WANT in failure: an error status, or an
 * attach/detach that went back where it started. */
static bool
wait_failed (const char *want, const char *st, bool busy_seen)
{
  if (strncmp (st, "error", 5) == 0)
    return true;
  return busy_seen && ((strcmp (want, "in-use") == 0 && strcmp (st, "available") == 0) ||
                       (strcmp (want, "available") == 0 && strcmp (st, "in-use") == 0));
}

struct status_probe {
  struct os_conn *c;       /* session */
  const char *kind;        /* "volume" or "snapshot" */
  const char *collection;  /* "volumes" or "snapshots" */
  const char *id;          /* the object */
  const char *want;        /* status awaited, or "deleted" */
  bool busy_seen;          /* an attach/detach was seen in progress */
  json_object *obj;        /* the object as last seen (owned) */
};

/* Done when the status is reached (or, for "deleted", the object is gone);
 * failed on an error status or a rolled-back attachment. */
static int
status_reached (void *opaque, struct vmerr *err)
{
  struct status_probe *p = opaque;
  long status;

  json_object_put (p->obj);
  p->obj = os_cinder_get (p->c, p->collection, p->id, p->kind, &status, err);
  if (p->obj == NULL) {
    if (strcmp (p->want, "deleted") == 0 && status == 404) {
      vmerr_clear (err);  /* gone is the answer awaited, not an error */
      return 1;
    }
    vmerr_prefix (err, "waiting for %s %s to be %s: ", p->kind, p->id, p->want);
    return -1;
  }
  const char *st = osj_str (p->obj, "status") ? osj_str (p->obj, "status") : "(none)";
  p->busy_seen |= attach_in_progress (st);
  if (strcmp (st, p->want) == 0)
    return 1;
  if (wait_failed (p->want, st, p->busy_seen))
    return vmerr_set (err, VMERR_OPENSTACK, "%s %s went to status '%s' while waiting for '%s' "
                      "(see 'openstack %s show %s' and the Cinder logs)", p->kind, p->id, st,
                      p->want, strcmp (p->kind, "volume") == 0 ? "volume" : "volume snapshot",
                      p->id);
  return 0;
}

int
os_cinder_wait (struct os_conn *c, const char *kind, const char *id, const char *want,
                int timeout_s, json_object **last, struct vmerr *err)
{
  /* Not interruptible: detaching in cleanup waits here too.  The first
   * checks come soon (a status may change within a fraction of a second),
   * later ones back off. */
  struct wait_spec spec = { .timeout_s = timeout_s, .first_delay_s = 0.05, .max_delay_s = 2 };
  char collection[32];
  struct status_probe p = { c, kind, collection, id, want, false, NULL };
  enum wait_result r;

  snprintf (collection, sizeof collection, "%ss", kind);
  if (last)
    *last = NULL;
  r = wait_until (&spec, status_reached, &p, err);
  if (r == WAIT_TIMEOUT)
    vmerr_set (err, VMERR_OPENSTACK, "%s %s is still '%s' after %d s of waiting for '%s'",
               kind, id, osj_str (p.obj, "status") ? osj_str (p.obj, "status") : "(none)",
               timeout_s, want);
  if (r == WAIT_DONE && last)
    *last = p.obj;
  else
    json_object_put (p.obj);
  return r == WAIT_DONE ? 0 : -1;
}

/* Whether a listing reply has a next page ("volumes_links": rel next). */
static bool
has_next (json_object *reply, const char *key)
{
  char links_key[64];
  json_object *links;

  snprintf (links_key, sizeof links_key, "%s_links", key);
  links = osj_get (reply, links_key, json_type_array);
  for (size_t i = 0; links && i < json_object_array_length (links); i++) {
    const char *rel = osj_str (json_object_array_get_idx (links, i), "rel");
    if (rel && strcmp (rel, "next") == 0)
      return true;
  }
  return false;
}

int
os_cinder_page (json_object *reply, const char *key, os_item_fn fn, void *opaque,
                const char **last_id, struct vmerr *err)
{
  char what[128];
  json_object *items;
  size_t n;

  *last_id = NULL;
  /* Anything but a well-formed list is an error, never "no items". */
  snprintf (what, sizeof what, "Cinder GET %s", key);
  if ((items = osj_list (reply, key, what, err)) == NULL)
    return -1;
  n = json_object_array_length (items);
  for (size_t i = 0; i < n; i++)
    if (fn (json_object_array_get_idx (items, i), opaque, err) == -1)
      return -1;
  if (n > 0 && has_next (reply, key))
    *last_id = osj_str (json_object_array_get_idx (items, n - 1), "id");
  return 0;
}

int
os_cinder_list (struct os_conn *c, const char *collection, const char *key, const char *query,
                os_item_fn fn, void *opaque, struct vmerr *err)
{
  char *marker = NULL, *path = NULL;
  int rc = -1;

  /* Follow the marker ourselves: Cinder's next links carry the host it
   * believes it has, which behind a proxy is not always ours. */
  for (int page = 0; page < MAX_PAGES; page++) {
    json_object *reply;
    const char *last_id;
    bool more;

    free (path);
    if (asprintf (&path, "%s?%s%s%s", collection, query, marker && *query ? "&" : "",
                  marker ? marker : "") < 0) {
      path = NULL;
      vmerr_set (err, VMERR_FAILED, "out of memory");
      goto out;
    }
    if (os_call (c, OS_VOLUME, "GET", path, NULL, NULL, &reply, NULL, err) == -1)
      goto out;
    if (os_cinder_page (reply, key, fn, opaque, &last_id, err) == -1) {
      json_object_put (reply);
      goto out;
    }
    more = last_id != NULL;
    if (more) {
      char *id = os_url_escape (last_id);
      free (marker);
      if (id == NULL || asprintf (&marker, "marker=%s", id) < 0) {
        free (id);
        marker = NULL;
        json_object_put (reply);
        vmerr_set (err, VMERR_FAILED, "out of memory");
        goto out;
      }
      free (id);
    }
    json_object_put (reply);
    if (!more) {
      rc = 0;
      goto out;
    }
  }
  vmerr_set (err, VMERR_OPENSTACK, "listing %s: more than %d pages, giving up", collection,
             MAX_PAGES);
out:
  free (marker);
  free (path);
  return rc;
}
