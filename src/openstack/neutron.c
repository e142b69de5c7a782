/* Neutron: networks, subnets, security groups by name or ID; ports. */
#include "neutron.h"
#include "util.h"
#include "log.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
  const char *path;      /* collection path */
  const char *list_key;  /* key of the list in a listing */
  const char *one_key;   /* key of the object in a GET of one */
  const char *noun;      /* for messages */
} kinds[] = {
  [OS_NET_NETWORK] = { "networks", "networks", "network", "network" },
  [OS_NET_SUBNET] = { "subnets", "subnets", "subnet", "subnet" },
  [OS_NET_SECURITY_GROUP] = { "security-groups", "security_groups", "security_group",
                              "security group" },
};

/* 8-4-4-4-12 hex digits: worth trying as an ID before a name. */
static bool
looks_like_uuid (const char *s)
{
  static const int dash[] = { 8, 13, 18, 23 };
  if (strlen (s) != 36)
    return false;
  for (int i = 0, d = 0; i < 36; i++) {
    if (d < 4 && i == dash[d]) {
      if (s[i] != '-')
        return false;
      d++;
    }
    else if (!strchr ("0123456789abcdefABCDEF", s[i]))
      return false;
  }
  return true;
}

/* GET PATH and the list under KEY: the IDs of its items (at most 2 kept). */
static int
list_ids (struct os_conn *c, const char *path, const char *key, char **ids, size_t *n,
          struct vmerr *err)
{
  json_object *reply = NULL, *list;
  char what[256];

  *n = 0;
  if (os_call (c, OS_NETWORK, "GET", path, NULL, NULL, &reply, NULL, err) == -1)
    return -1;
  snprintf (what, sizeof what, "Neutron GET /%s", key);
  if ((list = osj_list (reply, key, what, err)) == NULL) {
    json_object_put (reply);
    return -1;
  }
  *n = json_object_array_length (list);
  for (size_t i = 0; i < *n && i < 2; i++)
    ids[i] = osj_dup (json_object_array_get_idx (list, i), "id");
  json_object_put (reply);
  for (size_t i = 0; i < *n && i < 2; i++)
    if (ids[i] == NULL) {
      free (ids[0]);
      free (ids[1]);
      ids[0] = ids[1] = NULL;
      return vmerr_set (err, VMERR_OPENSTACK, "Neutron GET /%s: an item without an id", key);
    }
  return 0;
}

int
os_net_find (struct os_conn *c, enum os_net_kind kind, const char *what,
             const char *network_id, char **id, struct vmerr *err)
{
  char *esc = os_url_escape (what), *net = network_id ? os_url_escape (network_id) : NULL;
  char *path = NULL, *ids[2] = { NULL, NULL };
  size_t n = 0;
  int rc = -1;

  *id = NULL;
  if (esc == NULL || (network_id && net == NULL))
    goto oom;
  if (looks_like_uuid (what)) {
    json_object *reply = NULL;
    long status = 0;
    struct vmerr e2 = { 0 };
    if (asprintf (&path, "/%s/%s", kinds[kind].path, esc) < 0)
      goto oom;
    if (os_call (c, OS_NETWORK, "GET", path, NULL, NULL, &reply, &status, &e2) == 0) {
      *id = osj_dup (osj_get (reply, kinds[kind].one_key, json_type_object), "id");
      json_object_put (reply);
      if (*id == NULL)
        goto oom;
      rc = 0;
      goto out;
    }
    if (status != 404) {
      *err = e2;
      goto out;
    }
    free (path);
    path = NULL;
  }
  /* By name; a subnet on its network only. */
  if (asprintf (&path, "/%s?name=%s%s%s", kinds[kind].path, esc, net ? "&network_id=" : "",
                net ? net : "") < 0)
    goto oom;
  if (list_ids (c, path, kinds[kind].list_key, ids, &n, err) == -1)
    goto out;
  if (n == 0)
    vmerr_set (err, VMERR_PRECONDITION, "no %s named or with the ID '%s'%s%s in the project "
               "(openstack %s list shows them); nothing was created", kinds[kind].noun, what,
               network_id ? " on network " : "", network_id ? network_id : "",
               kind == OS_NET_SECURITY_GROUP ? "security group" : kinds[kind].noun);
  else if (n > 1)
    vmerr_set (err, VMERR_PRECONDITION, "%zu %ss are named '%s' (%s, %s...): give the ID of "
               "the one to use; nothing was created", n, kinds[kind].noun, what, ids[0], ids[1]);
  else {
    *id = ids[0];
    ids[0] = NULL;
    rc = 0;
  }
  goto out;
oom:
  vmerr_set (err, VMERR_FAILED, "out of memory");
out:
  free (ids[0]);
  free (ids[1]);
  free (path);
  free (esc);
  free (net);
  return rc;
}

void
os_port_free (struct os_port *p)
{
  free (p->id);
  free (p->name);
  free (p->mac);
  free (p->network_id);
  free (p->device_id);
  free (p->status);
  for (size_t i = 0; i < p->nips; i++)
    free (p->ips[i]);
  free (p->ips);
  memset (p, 0, sizeof *p);
}

int
os_port_from_json (json_object *port, struct os_port *out, struct vmerr *err)
{
  json_object *ips = osj_get (port, "fixed_ips", json_type_array);
  size_t n = ips ? json_object_array_length (ips) : 0;

  memset (out, 0, sizeof *out);
  if ((out->id = osj_dup (port, "id")) == NULL)
    return vmerr_set (err, VMERR_OPENSTACK, "Neutron: a port without an id in the reply");
  out->name = osj_dup (port, "name");
  out->mac = osj_dup (port, "mac_address");
  out->network_id = osj_dup (port, "network_id");
  out->device_id = osj_dup (port, "device_id");
  out->status = osj_dup (port, "status");
  if (n > 0 && (out->ips = calloc (n, sizeof *out->ips)) == NULL) {
    os_port_free (out);
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  }
  for (size_t i = 0; i < n; i++) {
    char *ip = osj_dup (json_object_array_get_idx (ips, i), "ip_address");
    if (ip)
      out->ips[out->nips++] = ip;
  }
  return 0;
}

int
os_port_find (struct os_conn *c, const char *name, int *found, struct os_port *out,
              struct vmerr *err)
{
  char *esc = os_url_escape (name), *path = NULL;
  json_object *reply = NULL, *list;
  int rc = -1;

  *found = 0;
  if (esc == NULL || asprintf (&path, "/ports?name=%s", esc) < 0) {
    free (esc);
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  }
  if (os_call (c, OS_NETWORK, "GET", path, NULL, NULL, &reply, NULL, err) == 0 &&
      (list = osj_list (reply, "ports", "Neutron GET /ports", err)) != NULL) {
    size_t n = json_object_array_length (list);
    if (n > 1)
      vmerr_set (err, VMERR_PRECONDITION, "%zu Neutron ports are named '%s': vmigrate names "
                 "its ports VM-nicN and cannot tell which is its own; delete the extra ones "
                 "(openstack port list --name '%s')", n, name, name);
    else if (n == 0 || os_port_from_json (json_object_array_get_idx (list, 0), out, err) == 0) {
      *found = n == 1;
      rc = 0;
    }
  }
  json_object_put (reply);
  free (path);
  free (esc);
  return rc;
}

int
os_port_create (struct os_conn *c, const struct os_port_spec *spec, struct os_port *out,
                long *status, struct vmerr *err)
{
  json_object *body = json_object_new_object (), *port = json_object_new_object ();
  json_object *reply = NULL;
  int rc = -1;

  if (status)
    *status = 0;
  if (body == NULL || port == NULL || json_object_object_add (body, "port", port) != 0) {
    json_object_put (port);
    json_object_put (body);
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  }
  bool ok = osj_add_str (port, "name", spec->name) == 0 &&
            osj_add_str (port, "network_id", spec->network_id) == 0 &&
            osj_add_str (port, "mac_address", spec->mac) == 0 &&
            osj_add_str (port, "description", spec->description) == 0;
  if (ok && (spec->ip || spec->subnet_id)) {
    json_object *ips = json_object_new_array (), *ip = json_object_new_object ();
    ok = ips && ip && osj_add_str (ip, "subnet_id", spec->subnet_id) == 0 &&
         osj_add_str (ip, "ip_address", spec->ip) == 0 &&
         json_object_array_add (ips, ip) == 0;
    if (!ok)
      json_object_put (ip);
    if (!ok || json_object_object_add (port, "fixed_ips", ips) != 0)
      json_object_put (ips), ok = false;
  }
  if (ok && spec->nsecurity_groups > 0) {
    json_object *sgs = json_object_new_array ();
    for (size_t i = 0; sgs && i < spec->nsecurity_groups; i++)
      ok = ok && json_object_array_add (sgs, json_object_new_string (spec->security_groups[i])) == 0;
    if (!ok || sgs == NULL || json_object_object_add (port, "security_groups", sgs) != 0)
      json_object_put (sgs), ok = false;
  }
  if (!ok)
    vmerr_set (err, VMERR_FAILED, "out of memory");
  else if (os_call (c, OS_NETWORK, "POST", "/ports", NULL, body, &reply, status, err) == 0 &&
           os_port_from_json (osj_get (reply, "port", json_type_object), out, err) == 0) {
    log_info ("created port %s (%s, MAC %s) on network %s", out->name ? out->name : "",
              out->id, out->mac ? out->mac : "?", spec->network_id);
    rc = 0;
  }
  json_object_put (reply);
  json_object_put (body);
  return rc;
}

int
os_port_delete (struct os_conn *c, const char *id, struct vmerr *err)
{
  return os_call_delete (c, OS_NETWORK, "ports", id, err);
}
