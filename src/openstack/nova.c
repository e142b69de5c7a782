/* Nova volume attachments and the device a volume becomes. */
#include "nova.h"
#include "util.h"
#include "log.h"
#include "wait-until.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* "/servers/<server>/os-volume_attachments[/<volume>]", malloc'd. */
static char *
attachments_path (const char *server_id, const char *volume_id)
{
  char *s = os_url_escape (server_id), *v = volume_id ? os_url_escape (volume_id) : NULL;
  char *p = NULL;

  if (s && (volume_id == NULL || v) &&
      asprintf (&p, "/servers/%s/os-volume_attachments%s%s", s, v ? "/" : "", v ? v : "") < 0)
    p = NULL;
  free (s);
  free (v);
  return p;
}

int
os_server_attach (struct os_conn *c, const char *server_id, const char *volume_id,
                  char **device, struct vmerr *err)
{
  char *path = attachments_path (server_id, NULL);
  json_object *body = json_object_new_object (), *att = json_object_new_object (), *reply = NULL;
  int rc = -1;

  if (device)
    *device = NULL;
  if (path == NULL || body == NULL || att == NULL ||
      osj_add_str (att, "volumeId", volume_id) == -1 ||
      json_object_object_add (body, "volumeAttachment", att) != 0) {
    json_object_put (att);
    vmerr_set (err, VMERR_FAILED, "out of memory");
  }
  else if (os_call (c, OS_COMPUTE, "POST", path, NULL, body, &reply, NULL, err) == 0) {
    if (device)
      *device = osj_dup (osj_get (reply, "volumeAttachment", json_type_object), "device");
    log_debug ("volume %s attaching to server %s", volume_id, server_id);
    rc = 0;
  }
  if (rc == -1)
    vmerr_prefix (err, "attaching volume %s to server %s: ", volume_id, server_id);
  json_object_put (reply);
  json_object_put (body);
  free (path);
  return rc;
}

int
os_server_detach (struct os_conn *c, const char *server_id, const char *volume_id,
                  struct vmerr *err)
{
  char *path = attachments_path (server_id, volume_id);
  int rc = -1;

  if (path == NULL)
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  rc = os_call (c, OS_COMPUTE, "DELETE", path, NULL, NULL, NULL, NULL, err);
  if (rc == -1)
    vmerr_prefix (err, "detaching volume %s from server %s: ", volume_id, server_id);
  free (path);
  return rc;
}

void
os_attachment_list_free (struct os_attachment_list *l)
{
  for (size_t i = 0; i < l->n; i++) {
    free (l->items[i].volume_id);
    free (l->items[i].server_id);
    free (l->items[i].device);
  }
  free (l->items);
  memset (l, 0, sizeof *l);
}

int
os_attachments_parse (json_object *reply, struct os_attachment_list *out, struct vmerr *err)
{
  json_object *arr;
  size_t n;

  memset (out, 0, sizeof *out);
  if ((arr = osj_list (reply, "volumeAttachments", "Nova GET os-volume_attachments",
                      err)) == NULL)
    return -1;
  n = json_object_array_length (arr);
  if (n && (out->items = calloc (n, sizeof *out->items)) == NULL)
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  for (size_t i = 0; i < n; i++) {
    json_object *a = json_object_array_get_idx (arr, i);
    struct os_attachment *d = &out->items[out->n++];
    d->volume_id = osj_dup (a, "volumeId");
    d->server_id = osj_dup (a, "serverId");
    d->device = osj_dup (a, "device");
    /* An attachment we cannot name is not one to skip: it may be ours. */
    if (d->volume_id == NULL) {
      return vmerr_set (err, VMERR_OPENSTACK, "Nova lists an attachment without volumeId");
    }
  }
  return 0;
}

int
os_server_attachments (struct os_conn *c, const char *server_id,
                       struct os_attachment_list *out, struct vmerr *err)
{
  char *path = attachments_path (server_id, NULL);
  json_object *reply = NULL;
  int rc = -1;

  memset (out, 0, sizeof *out);
  if (path == NULL)
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  if (os_call (c, OS_COMPUTE, "GET", path, NULL, NULL, &reply, NULL, err) == -1) {
    vmerr_prefix (err, "listing the volumes of server %s: ", server_id);
    goto out;
  }
  rc = os_attachments_parse (reply, out, err);
out:
  if (rc == -1)
    os_attachment_list_free (out);
  json_object_put (reply);
  free (path);
  return rc;
}

int
os_server_exists (struct os_conn *c, const char *server_id, bool *exists, char **name,
                  struct vmerr *err)
{
  char *s = os_url_escape (server_id), *path = NULL;
  json_object *reply = NULL;
  long status;
  int rc = -1;

  *exists = false;
  if (name)
    *name = NULL;
  if (s == NULL || asprintf (&path, "/servers/%s", s) < 0) {
    free (s);
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  }
  if (os_call (c, OS_COMPUTE, "GET", path, NULL, NULL, &reply, &status, err) == 0) {
    *exists = true;
    if (name)
      *name = osj_dup (osj_get (reply, "server", json_type_object), "name");
    rc = 0;
  }
  else if (status == 404)
    rc = 0;
  json_object_put (reply);
  free (s);
  free (path);
  return rc;
}

char *
os_device_path (const char *dir, const char *volume_id)
{
  char *p;

  if (asprintf (&p, "%s/virtio-%.20s", dir, volume_id) < 0)
    return NULL;
  return p;
}

/* Present: the link resolves.  Gone: not even a dangling link is left. */
static bool
reached (const char *path, bool present)
{
  struct stat st;
  return present ? stat (path, &st) == 0 : lstat (path, &st) == -1;
}

struct device_probe {
  const char *path;   /* the device link */
  bool present;       /* waiting for it to appear (else to go away) */
};

static int
device_reached (void *opaque, struct vmerr *err)
{
  struct device_probe *p = opaque;
  return reached (p->path, p->present);
}

int
os_device_wait (const char *dir, const char *volume_id, bool present, int timeout_s,
                char **path, struct vmerr *err)
{
  /* A local stat: cheap to look often. */
  struct wait_spec spec = { .timeout_s = timeout_s, .first_delay_s = 0.02, .max_delay_s = 0.25 };
  char *p = os_device_path (dir, volume_id);

  if (path)
    *path = NULL;
  if (p == NULL)
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  if (wait_until (&spec, device_reached, &(struct device_probe) { p, present }, err) != WAIT_DONE) {
    vmerr_set (err, VMERR_OPENSTACK, "%s did not %s within %d s (is this host the server "
               "the volume was attached to? is the device directory right?)", p,
               present ? "appear" : "go away", timeout_s);
    free (p);
    return -1;
  }
  if (path)
    *path = p;
  else
    free (p);
  return 0;
}
