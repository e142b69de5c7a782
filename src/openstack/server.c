/* Nova flavors and servers: the instance a converted VM becomes. */
#include "server.h"
#include "util.h"
#include "log.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 2.47: a server shows its flavor by value (name, vcpus, ram), which
 * stays true when the flavor is later deleted. */
#define SERVER_MICROVERSION "2.47"

void
os_flavor_list_free (struct os_flavor_list *l)
{
  for (size_t i = 0; i < l->n; i++) {
    free (l->v[i].id);
    free (l->v[i].name);
  }
  free (l->v);
  l->v = NULL;
  l->n = 0;
}

int
os_flavor_list (struct os_conn *c, struct os_flavor_list *out, struct vmerr *err)
{
  json_object *reply = NULL, *list;
  int rc = -1;

  out->v = NULL;
  out->n = 0;
  if (os_call (c, OS_COMPUTE, "GET", "/flavors/detail", NULL, NULL, &reply, NULL, err) == -1)
    return -1;
  if ((list = osj_list (reply, "flavors", "Nova GET /flavors/detail", err)) == NULL)
    goto out;
  size_t n = json_object_array_length (list);
  if (n > 0 && (out->v = calloc (n, sizeof *out->v)) == NULL) {
    vmerr_set (err, VMERR_FAILED, "out of memory");
    goto out;
  }
  for (size_t i = 0; i < n; i++) {
    json_object *f = json_object_array_get_idx (list, i);
    struct os_flavor *d = &out->v[out->n];
    d->id = osj_dup (f, "id");
    d->name = osj_dup (f, "name");
    d->vcpus = json_object_get_int (osj_get (f, "vcpus", json_type_int));
    d->ram_mb = json_object_get_int64 (osj_get (f, "ram", json_type_int));
    d->disk_gb = json_object_get_int64 (osj_get (f, "disk", json_type_int));
    if (d->id == NULL || d->name == NULL || d->vcpus <= 0 || d->ram_mb <= 0) {
      free (d->id);
      free (d->name);
      continue;  /* not a flavor anything can boot with */
    }
    out->n++;
  }
  rc = 0;
out:
  if (rc == -1)
    os_flavor_list_free (out);
  json_object_put (reply);
  return rc;
}

int
os_flavor_create (struct os_conn *c, const char *name, int vcpus, int64_t ram_mb, char **id,
                  struct vmerr *err)
{
  json_object *body = json_object_new_object (), *f = json_object_new_object (), *reply = NULL;
  int rc = -1;

  *id = NULL;
  if (body == NULL || f == NULL || osj_add_str (f, "name", name) == -1 ||
      json_object_object_add (f, "vcpus", json_object_new_int (vcpus)) != 0 ||
      json_object_object_add (f, "ram", json_object_new_int64 (ram_mb)) != 0 ||
      json_object_object_add (f, "disk", json_object_new_int (0)) != 0 ||
      json_object_object_add (f, "os-flavor-access:is_public", json_object_new_boolean (0)) != 0 ||
      json_object_object_add (body, "flavor", f) != 0) {
    json_object_put (f);
    vmerr_set (err, VMERR_FAILED, "out of memory");
  }
  else if (os_call (c, OS_COMPUTE, "POST", "/flavors", NULL, body, &reply, NULL, err) == 0) {
    *id = osj_dup (osj_get (reply, "flavor", json_type_object), "id");
    if (*id == NULL)
      vmerr_set (err, VMERR_OPENSTACK, "Nova POST /flavors: no flavor id in the reply");
    else {
      log_info ("created flavor %s (%s): %d vCPUs, %" PRId64 " MiB", name, *id, vcpus, ram_mb);
      rc = 0;
    }
  }
  if (rc == -1)
    vmerr_prefix (err, "creating flavor %s: ", name);
  json_object_put (reply);
  json_object_put (body);
  return rc;
}

static char *
base64 (const char *text)
{
  static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const unsigned char *s = (const unsigned char *) text;
  size_t n = strlen (text), o = 0;
  char *out = malloc ((n + 2) / 3 * 4 + 1);

  if (out == NULL)
    return NULL;
  for (size_t i = 0; i < n; i += 3) {
    unsigned v = (unsigned) s[i] << 16 | (i + 1 < n ? (unsigned) s[i + 1] << 8 : 0) |
                 (i + 2 < n ? s[i + 2] : 0);
    out[o++] = tbl[v >> 18 & 63];
    out[o++] = tbl[v >> 12 & 63];
    out[o++] = i + 1 < n ? tbl[v >> 6 & 63] : '=';
    out[o++] = i + 2 < n ? tbl[v & 63] : '=';
  }
  out[o] = '\0';
  return out;
}

/* The "server" object of POST /servers for SPEC; NULL when out of memory. */
static json_object *
server_body (const struct os_server_spec *spec)
{
  json_object *srv = json_object_new_object (), *bdm = json_object_new_array ();
  json_object *nets = json_object_new_array ();
  bool ok = srv && bdm && nets && osj_add_str (srv, "name", spec->name) == 0 &&
            osj_add_str (srv, "flavorRef", spec->flavor_id) == 0 &&
            osj_add_str (srv, "key_name", spec->key_name) == 0 &&
            osj_add_str (srv, "availability_zone", spec->availability_zone) == 0;

  for (size_t i = 0; ok && i < spec->nvolumes; i++) {
    json_object *b = json_object_new_object ();
    ok = b && osj_add_str (b, "uuid", spec->volume_ids[i]) == 0 &&
         osj_add_str (b, "source_type", "volume") == 0 &&
         osj_add_str (b, "destination_type", "volume") == 0 &&
         json_object_object_add (b, "boot_index", json_object_new_int (i == 0 ? 0 : -1)) == 0 &&
         json_object_object_add (b, "delete_on_termination", json_object_new_boolean (0)) == 0 &&
         json_object_array_add (bdm, b) == 0;
    if (!ok)
      json_object_put (b);
  }
  for (size_t i = 0; ok && i < spec->nports; i++) {
    json_object *n = json_object_new_object ();
    ok = n && osj_add_str (n, "port", spec->port_ids[i]) == 0 && json_object_array_add (nets, n) == 0;
    if (!ok)
      json_object_put (n);
  }
  if (ok && spec->user_data) {
    char *b64 = base64 (spec->user_data);
    ok = b64 && osj_add_str (srv, "user_data", b64) == 0;
    free (b64);
  }
  if (ok && spec->metadata) {
    json_object *m = osj_from_kv (spec->metadata);
    ok = m && json_object_object_add (srv, "metadata", m) == 0;
  }
  /* With ports given, "networks" lists them; none is "none", not "auto". */
  if (ok && spec->nports == 0) {
    json_object_put (nets);
    nets = json_object_new_string ("none");
  }
  ok = ok && nets && json_object_object_add (srv, "networks", nets) == 0;
  if (!ok)
    json_object_put (nets);
  ok = ok && json_object_object_add (srv, "block_device_mapping_v2", bdm) == 0;
  if (!ok) {
    json_object_put (bdm);
    json_object_put (srv);
    return NULL;
  }
  return srv;
}

int
os_server_create (struct os_conn *c, const struct os_server_spec *spec, char **id,
                  long *status, struct vmerr *err)
{
  json_object *body = json_object_new_object (), *srv = server_body (spec), *reply = NULL;
  int rc = -1;

  *id = NULL;
  if (status)
    *status = 0;
  if (body == NULL || srv == NULL || json_object_object_add (body, "server", srv) != 0) {
    json_object_put (srv);
    vmerr_set (err, VMERR_FAILED, "out of memory");
  }
  else if (os_call (c, OS_COMPUTE, "POST", "/servers", SERVER_MICROVERSION, body, &reply,
                    status, err) == 0) {
    *id = osj_dup (osj_get (reply, "server", json_type_object), "id");
    if (*id == NULL)
      vmerr_set (err, VMERR_OPENSTACK, "Nova POST /servers: no server id in the reply");
    else {
      log_info ("created server %s (%s)", spec->name, *id);
      rc = 0;
    }
  }
  if (rc == -1)
    vmerr_prefix (err, "creating server %s: ", spec->name);
  json_object_put (reply);
  json_object_put (body);
  return rc;
}

void
os_server_free (struct os_server *s)
{
  free (s->id);
  free (s->name);
  free (s->status);
  free (s->fault);
  free (s->addresses);
  kv_free (&s->metadata);
  memset (s, 0, sizeof *s);
}

/* "net=10.0.0.5 (fa:16:3e:..), net2=..." of a server's addresses. */
static char *
addresses_text (json_object *addrs)
{
  char *out = strdup (""), *next;

  if (addrs == NULL || !json_object_is_type (addrs, json_type_object))
    return out;
  json_object_object_foreach (addrs, net, list) {
    for (size_t i = 0; out && json_object_is_type (list, json_type_array) &&
                       i < json_object_array_length (list); i++) {
      json_object *a = json_object_array_get_idx (list, i);
      const char *ip = osj_str (a, "addr"), *mac = osj_str (a, "OS-EXT-IPS-MAC:mac_addr");
      if (ip == NULL)
        continue;
      if (asprintf (&next, "%s%s%s=%s%s%s%s", out, *out ? ", " : "", net, ip,
                    mac ? " (" : "", mac ? mac : "", mac ? ")" : "") < 0)
        next = NULL;
      free (out);
      out = next;
    }
  }
  return out;
}

int
os_server_show (struct os_conn *c, const char *id, int *found, struct os_server *out,
                struct vmerr *err)
{
  char *path = os_id_path ("servers", id);
  json_object *reply = NULL, *srv;
  long status = 0;
  int rc = -1;

  *found = 0;
  memset (out, 0, sizeof *out);
  if (path == NULL)
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  if (os_call (c, OS_COMPUTE, "GET", path, SERVER_MICROVERSION, NULL, &reply, &status, err) == -1) {
    if (status == 404) {
      err->code = VMERR_OK;
      err->msg[0] = '\0';
      rc = 0;
    }
  }
  else if ((srv = osj_get (reply, "server", json_type_object)) == NULL ||
           (out->id = osj_dup (srv, "id")) == NULL)
    vmerr_set (err, VMERR_OPENSTACK, "Nova GET /servers/%s: no server in the reply", id);
  else {
    out->name = osj_dup (srv, "name");
    out->status = osj_dup (srv, "status");
    out->fault = osj_dup (osj_get (srv, "fault", json_type_object), "message");
    out->addresses = addresses_text (osj_get (srv, "addresses", json_type_object));
    if (out->addresses == NULL || osj_to_kv (osj_get (srv, "metadata", json_type_object),
                                             &out->metadata) == -1) {
      os_server_free (out);
      vmerr_set (err, VMERR_FAILED, "out of memory");
    }
    else {
      *found = 1;
      rc = 0;
    }
  }
  json_object_put (reply);
  free (path);
  return rc;
}

int
os_server_find (struct os_conn *c, const char *name, char **id, struct vmerr *err)
{
  char *esc = os_url_escape (name), *path = NULL;
  json_object *reply = NULL, *list;
  size_t matches = 0;
  int rc = -1;

  *id = NULL;
  /* Nova's name filter is a regular expression: keep exact matches only. */
  if (esc == NULL || asprintf (&path, "/servers?name=%s", esc) < 0) {
    free (esc);
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  }
  if (os_call (c, OS_COMPUTE, "GET", path, NULL, NULL, &reply, NULL, err) == 0 &&
      (list = osj_list (reply, "servers", "Nova GET /servers", err)) != NULL) {
    for (size_t i = 0; i < json_object_array_length (list); i++) {
      json_object *s = json_object_array_get_idx (list, i);
      const char *n = osj_str (s, "name");
      if (n == NULL || strcmp (n, name) != 0)
        continue;
      if (matches++ == 0)
        *id = osj_dup (s, "id");
    }
    if (matches > 1) {
      vmerr_set (err, VMERR_PRECONDITION, "%zu Nova servers are named '%s': give another "
                 "--server-name or delete the extra ones (openstack server list --name '%s')",
                 matches, name, name);
      free (*id);
      *id = NULL;
    }
    else if (matches == 1 && *id == NULL)
      vmerr_set (err, VMERR_OPENSTACK, "Nova GET /servers: server '%s' without an id", name);
    else
      rc = 0;
  }
  json_object_put (reply);
  free (path);
  free (esc);
  return rc;
}

int
os_server_delete (struct os_conn *c, const char *id, struct vmerr *err)
{
  return os_call_delete (c, OS_COMPUTE, "servers", id, err);
}
