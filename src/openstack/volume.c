/* Cinder volumes: create, show, find, wait, delete, metadata, actions,
 * volume types. */
#include "cinder-internal.h"
#include "util.h"
#include "vector.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool
json_true (json_object *o, const char *key)
{
  json_object *v;

  if (!json_object_object_get_ex (o, key, &v))
    return false;
  if (json_object_is_type (v, json_type_boolean))
    return json_object_get_boolean (v);
  /* "bootable" is the string "true"/"false" in Cinder's replies. */
  return json_object_is_type (v, json_type_string) &&
         strcmp (json_object_get_string (v), "true") == 0;
}

/* The attachments of V; each must name its server (vmigrate detaches by
 * it).  An absent list is no attachment. */
static int
parse_attachments (json_object *o, struct os_volume *v, struct vmerr *err)
{
  json_object *arr;
  char what[128];
  size_t n;

  if (!json_object_object_get_ex (o, "attachments", &arr) || arr == NULL)
    return 0;
  snprintf (what, sizeof what, "Cinder's volume %s", v->id);
  if ((arr = osj_list (o, "attachments", what, err)) == NULL)
    return -1;
  n = json_object_array_length (arr);
  if (n == 0)
    return 0;
  v->attachments = calloc (n, sizeof *v->attachments);
  if (v->attachments == NULL)
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  v->nattachments = n;
  for (size_t i = 0; i < n; i++) {
    json_object *a = json_object_array_get_idx (arr, i);
    v->attachments[i].server_id = osj_dup (a, "server_id");
    v->attachments[i].device = osj_dup (a, "device");
    v->attachments[i].attachment_id = osj_dup (a, "attachment_id");
    if (v->attachments[i].server_id == NULL)
      return vmerr_set (err, VMERR_OPENSTACK, "Cinder lists volume %s with an attachment "
                        "without server_id (attachment %s)", v->id,
                        v->attachments[i].attachment_id ? v->attachments[i].attachment_id : "?");
  }
  return 0;
}

int
os_volume_parse (json_object *o, struct os_volume *v, struct vmerr *err)
{
  memset (v, 0, sizeof *v);
  if (osj_str (o, "id") == NULL)
    return vmerr_set (err, VMERR_OPENSTACK, "Cinder sent a volume without an id");
  v->id = osj_dup (o, "id");
  v->name = osj_dup (o, "name");
  v->description = osj_dup (o, "description");
  v->status = osj_dup (o, "status");
  v->volume_type = osj_dup (o, "volume_type");
  v->availability_zone = osj_dup (o, "availability_zone");
  v->bootable = json_true (o, "bootable");
  v->encrypted = json_true (o, "encrypted");
  if (v->id == NULL || v->status == NULL ||
      osj_to_kv (osj_get (o, "metadata", json_type_object), &v->metadata) == -1 ||
      osj_to_kv (osj_get (o, "volume_image_metadata", json_type_object),
                 &v->image_metadata) == -1)
    return vmerr_set (err, VMERR_OPENSTACK, "cannot read Cinder's description of volume %s "
                      "(no status, or out of memory)", osj_str (o, "id"));
  /* Its bytes (size * 2^30) must fit in 64 bits. */
  if (osj_size_gib (o, "size", &v->size_gib) == -1)
    return vmerr_set (err, VMERR_OPENSTACK, "Cinder sent volume %s without a usable size "
                      "(absent, negative or over %lld GiB)", v->id, (long long) OS_MAX_GIB);
  return parse_attachments (o, v, err);
}

void
os_volume_free (struct os_volume *v)
{
  free (v->id);
  free (v->name);
  free (v->description);
  free (v->status);
  free (v->volume_type);
  free (v->availability_zone);
  kv_free (&v->metadata);
  kv_free (&v->image_metadata);
  for (size_t i = 0; i < v->nattachments; i++) {
    free (v->attachments[i].server_id);
    free (v->attachments[i].device);
    free (v->attachments[i].attachment_id);
  }
  free (v->attachments);
  memset (v, 0, sizeof *v);
}

void
os_volume_list_free (struct os_volume_list *l)
{
  for (size_t i = 0; i < l->n; i++)
    os_volume_free (&l->items[i]);
  free (l->items);
  memset (l, 0, sizeof *l);
}

/* {"volume": {...}} for a create request, NULL when out of memory. */
static json_object *
create_body (const struct os_volume_spec *spec)
{
  json_object *root = json_object_new_object (), *vol = json_object_new_object (), *meta;
  bool ok = root && vol &&
            json_object_object_add (vol, "size", json_object_new_int64 (spec->size_gib)) == 0 &&
            osj_add_str (vol, "name", spec->name) == 0 &&
            osj_add_str (vol, "description", spec->description) == 0 &&
            osj_add_str (vol, "volume_type", spec->volume_type) == 0 &&
            osj_add_str (vol, "availability_zone", spec->availability_zone) == 0;

  if (ok && spec->metadata) {
    meta = osj_from_kv (spec->metadata);
    ok = meta && json_object_object_add (vol, "metadata", meta) == 0;
  }
  if (ok) {
    ok = json_object_object_add (root, "volume", vol) == 0;
    vol = NULL;
  }
  json_object_put (vol);
  if (!ok) {
    json_object_put (root);
    return NULL;
  }
  return root;
}

int
os_volume_create (struct os_conn *c, const struct os_volume_spec *spec, char **id,
                  struct vmerr *err)
{
  if (os_cinder_create (c, "volumes", "volume", create_body (spec), id, err) == -1) {
    vmerr_prefix (err, "creating a %lld GiB volume%s%s: ", (long long) spec->size_gib,
                  spec->name ? " named " : "", spec->name ? spec->name : "");
    return -1;
  }
  log_debug ("volume %s (%lld GiB) created", *id, (long long) spec->size_gib);
  return 0;
}

int
os_volume_show (struct os_conn *c, const char *id, struct os_volume *v, struct vmerr *err)
{
  json_object *o = os_cinder_get (c, "volumes", id, "volume", NULL, err);
  int rc = o ? os_volume_parse (o, v, err) : -1;

  if (o == NULL)
    memset (v, 0, sizeof *v);
  json_object_put (o);
  return rc;
}

int
os_volume_wait (struct os_conn *c, const char *id, const char *status, int timeout_s,
                struct os_volume *v, struct vmerr *err)
{
  json_object *last = NULL;
  int rc = os_cinder_wait (c, "volume", id, status, timeout_s, v ? &last : NULL, err);

  if (v) {
    memset (v, 0, sizeof *v);
    if (rc == 0 && last)
      rc = os_volume_parse (last, v, err);
  }
  json_object_put (last);
  return rc;
}

int
os_volume_delete (struct os_conn *c, const char *id, bool cascade, struct vmerr *err)
{
  if (os_cinder_delete (c, "volumes", id, cascade ? "?cascade=true" : NULL, err) == -1) {
    vmerr_prefix (err, "deleting volume %s: ", id);
    return -1;
  }
  return 0;
}

/* --- find --- */

struct find_ctx {
  const char *name;              /* wanted name or NULL */
  const struct kv *metadata;     /* wanted pairs or NULL */
  struct os_volume_list *out;    /* where matches go */
};

static bool
volume_matches (const struct os_volume *v, const char *name, const struct kv *metadata)
{
  if (name && (v->name == NULL || strcmp (v->name, name) != 0))
    return false;
  for (size_t i = 0; metadata && i < metadata->n; i++) {
    const char *val = kv_get (&v->metadata, metadata->items[i].key);
    if (val == NULL || strcmp (val, metadata->items[i].value) != 0)
      return false;
  }
  return true;
}

static int
add_if_matching (json_object *item, void *opaque, struct vmerr *err)
{
  struct find_ctx *f = opaque;
  struct os_volume v;

  if (os_volume_parse (item, &v, err) == -1) {
    os_volume_free (&v);
    return -1;
  }
  if (!volume_matches (&v, f->name, f->metadata)) {
    os_volume_free (&v);
    return 0;
  }
  if (vector_grow (&f->out->items, &f->out->cap, f->out->n + 1, sizeof v) == -1) {
    os_volume_free (&v);
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  }
  f->out->items[f->out->n++] = v;
  return 0;
}

/* "name=N&metadata={...}" (escaped), malloc'd, or NULL. */
static char *
find_query (const char *name, const struct kv *metadata)
{
  char *n = name ? os_url_escape (name) : NULL, *m = NULL, *q = NULL;
  json_object *meta = metadata && metadata->n ? osj_from_kv (metadata) : NULL;

  if (meta)
    m = os_url_escape (json_object_to_json_string_ext (meta, JSON_C_TO_STRING_PLAIN));
  if ((name == NULL || n) && (meta == NULL || m) &&
      asprintf (&q, "%s%s%s%s%s", n ? "name=" : "", n ? n : "", n && m ? "&" : "",
                m ? "metadata=" : "", m ? m : "") < 0)
    q = NULL;
  json_object_put (meta);
  free (n);
  free (m);
  return q;
}

int
os_volume_find (struct os_conn *c, const char *name, const struct kv *metadata,
                struct os_volume_list *out, struct vmerr *err)
{
  struct find_ctx f = { name, metadata, out };
  char *query = find_query (name, metadata);
  int rc;

  memset (out, 0, sizeof *out);
  if (query == NULL)
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  rc = os_cinder_list (c, "/volumes/detail", "volumes", query, add_if_matching, &f, err);
  free (query);
  if (rc == -1) {
    os_volume_list_free (out);
    vmerr_prefix (err, "looking for volumes: ");
  }
  return rc;
}

/* --- metadata --- */

int
os_volume_metadata_set (struct os_conn *c, const char *id, const struct kv *kv,
                        struct vmerr *err)
{
  char *path = os_cinder_path ("volumes", id, "/metadata");
  json_object *body = json_object_new_object (), *meta = osj_from_kv (kv);
  int rc = -1;

  if (path == NULL || body == NULL || meta == NULL ||
      json_object_object_add (body, "metadata", meta) != 0) {
    json_object_put (meta);
    vmerr_set (err, VMERR_FAILED, "out of memory");
  }
  /* POST merges; PUT would replace the whole map (Cinder API reference,
   * "Create or update metadata for volume" vs "Update metadata"). */
  else if ((rc = os_call (c, OS_VOLUME, "POST", path, NULL, body, NULL, NULL, err)) == -1)
    vmerr_prefix (err, "setting metadata of volume %s: ", id);
  json_object_put (body);
  free (path);
  return rc;
}

int
os_volume_metadata_delete (struct os_conn *c, const char *id, const char *key,
                           struct vmerr *err)
{
  char *k = os_url_escape (key), *suffix = NULL;
  int rc;

  if (k == NULL || asprintf (&suffix, "/metadata/%s", k) < 0) {
    free (k);
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  }
  /* A 404 means the key was not there (or the volume is gone: the next
   * call says so). */
  rc = os_cinder_delete (c, "volumes", id, suffix, err);
  if (rc == -1)
    vmerr_prefix (err, "removing metadata key %s of volume %s: ", key, id);
  free (k);
  free (suffix);
  return rc;
}

int
os_volume_metadata_get (struct os_conn *c, const char *id, struct kv *out, struct vmerr *err)
{
  char *path = os_cinder_path ("volumes", id, "/metadata");
  json_object *reply = NULL;
  int rc = -1;

  kv_free (out);
  if (path == NULL)
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  if (os_call (c, OS_VOLUME, "GET", path, NULL, NULL, &reply, NULL, err) == -1)
    vmerr_prefix (err, "reading metadata of volume %s: ", id);
  /* The state lives there: a reply without the map is not an empty one. */
  else if (osj_get (reply, "metadata", json_type_object) == NULL)
    vmerr_set (err, VMERR_OPENSTACK, "reading metadata of volume %s: the reply has no "
               "'metadata' object", id);
  else if (osj_to_kv (osj_get (reply, "metadata", json_type_object), out) == -1)
    vmerr_set (err, VMERR_FAILED, "out of memory");
  else
    rc = 0;
  json_object_put (reply);
  free (path);
  return rc;
}

/* --- actions --- */

int
os_volume_set_bootable (struct os_conn *c, const char *id, bool bootable, struct vmerr *err)
{
  json_object *arg = json_object_new_object ();

  if (arg)
    json_object_object_add (arg, "bootable", json_object_new_boolean (bootable));
  return os_cinder_action (c, id, "os-set_bootable", arg, NULL, err);
}

int
os_volume_set_image_metadata (struct os_conn *c, const char *id, const struct kv *kv,
                              struct vmerr *err)
{
  json_object *arg = json_object_new_object (), *meta = osj_from_kv (kv);

  if (arg && meta && json_object_object_add (arg, "metadata", meta) == 0)
    meta = NULL;
  json_object_put (meta);
  return os_cinder_action (c, id, "os-set_image_metadata", arg, NULL, err);
}

int
os_volume_extend (struct os_conn *c, const char *id, int64_t new_size_gib, struct vmerr *err)
{
  json_object *arg = json_object_new_object ();

  if (arg)
    json_object_object_add (arg, "new_size", json_object_new_int64 (new_size_gib));
  return os_cinder_action (c, id, "os-extend", arg, "3.42", err);
}

int
os_volume_revert (struct os_conn *c, const char *id, const char *snapshot_id,
                  struct vmerr *err)
{
  json_object *arg = json_object_new_object ();

  if (arg && osj_add_str (arg, "snapshot_id", snapshot_id) == -1) {
    json_object_put (arg);
    arg = NULL;
  }
  return os_cinder_action (c, id, "revert", arg, "3.40", err);
}

/* --- volume types --- */

/* Id of volume type REF (name or id; NULL: the default type), malloc'd. */
static char *
type_id (struct os_conn *c, const char *ref, struct vmerr *err)
{
  json_object *reply = NULL, *types, *t;
  char *id = NULL;

  if (ref == NULL) {
    if (os_call (c, OS_VOLUME, "GET", "/types/default", NULL, NULL, &reply, NULL, err) == 0 &&
        (id = osj_dup (osj_get (reply, "volume_type", json_type_object), "id")) == NULL)
      vmerr_set (err, VMERR_OPENSTACK, "Cinder's default volume type has no id");
    json_object_put (reply);
    return id;
  }
  if (os_call (c, OS_VOLUME, "GET", "/types", NULL, NULL, &reply, NULL, err) == -1)
    return NULL;
  if ((types = osj_list (reply, "volume_types", "Cinder GET /types", err)) == NULL) {
    json_object_put (reply);
    return NULL;
  }
  for (size_t i = 0; id == NULL && i < json_object_array_length (types); i++) {
    t = json_object_array_get_idx (types, i);
    if ((osj_str (t, "name") && strcmp (osj_str (t, "name"), ref) == 0) ||
        (osj_str (t, "id") && strcmp (osj_str (t, "id"), ref) == 0))
      id = osj_dup (t, "id");
  }
  if (id == NULL)
    vmerr_set (err, VMERR_CONFIG, "Cinder has no volume type '%s' (see 'openstack volume type "
               "list')", ref);
  json_object_put (reply);
  return id;
}

int
os_volume_type_encryption (struct os_conn *c, const char *type, enum os_encryption *enc,
                           struct vmerr *err)
{
  char *id = type_id (c, type, err), *path;
  json_object *reply = NULL;
  long status;
  int rc = -1;

  *enc = OS_ENCRYPTION_UNKNOWN;
  if (id == NULL)
    return -1;
  path = os_cinder_path ("types", id, "/encryption");
  if (path == NULL)
    vmerr_set (err, VMERR_FAILED, "out of memory");
  else if (os_call (c, OS_VOLUME, "GET", path, NULL, NULL, &reply, &status, err) == 0) {
    /* {} for a plain type; a provider/encryption_id for an encrypted one. */
    *enc = osj_str (reply, "provider") || osj_str (reply, "encryption_id")
             ? OS_ENCRYPTION_LUKS : OS_ENCRYPTION_NONE;
    rc = 0;
  }
  else if (status == 403 || status == 404) {
    log_debug ("encryption of volume type %s: not readable (HTTP %ld)", id, status);
    rc = 0;
  }
  json_object_put (reply);
  free (path);
  free (id);
  return rc;
}
