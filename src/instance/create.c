/* The instance of a converted VM: plan, ports, server, wait. */
#include "create.h"
#include "flavor-pick.h"
#include "log.h"
#include "netmap.h"
#include "neutron.h"
#include "server.h"
#include "wait-until.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Metadata key of the server: the VM it was made from. */
#define SERVER_META_VM_UUID "vmigrate_vm_uuid"
/* Nova refuses user data over 64 KiB (base64: 65535 bytes encoded). */
#define USER_DATA_MAX (48 * 1024)

void
instance_result_free (struct instance_result *r)
{
  free (r->server_id);
  free (r->server_name);
  free (r->status);
  free (r->addresses);
  free (r->flavor);
  for (size_t i = 0; i < r->nports; i++) {
    free (r->ports[i].id);
    free (r->ports[i].name);
    free (r->ports[i].mac);
  }
  free (r->ports);
  memset (r, 0, sizeof *r);
}

/* --flavor: a name or ID, or auto (the smallest that fits, or a new one
 * with --create-flavor).  *ID and *NAME malloc'd. */
static int
choose_flavor (struct os_conn *os, const struct config *cfg, const struct vs_vm *vm, char **id,
               char **name, struct vmerr *err)
{
  struct os_flavor_list l;
  int rc = -1;

  *id = *name = NULL;
  if (os_flavor_list (os, &l, err) == -1)
    return -1;
  if (strcmp (cfg->flavor, "auto") != 0) {
    for (size_t i = 0; i < l.n && *id == NULL; i++)
      if (strcmp (l.v[i].id, cfg->flavor) == 0 || strcmp (l.v[i].name, cfg->flavor) == 0) {
        *id = strdup (l.v[i].id);
        *name = strdup (l.v[i].name);
      }
    if (*id == NULL)
      vmerr_set (err, VMERR_PRECONDITION, "no flavor named or with the ID '%s' (openstack "
                 "flavor list shows them; --flavor auto picks one); nothing was created",
                 cfg->flavor);
    else
      rc = 0;
    goto out;
  }
  if (vm->cpus <= 0 || vm->memory_mb <= 0) {
    vmerr_set (err, VMERR_PRECONDITION, "--flavor auto: vSphere reports no vCPU count or "
               "memory size for VM %s; give --flavor NAME", vm->name);
    goto out;
  }
  struct flavor_info *fi = calloc (l.n ? l.n : 1, sizeof *fi);
  if (fi == NULL) {
    vmerr_set (err, VMERR_FAILED, "out of memory");
    goto out;
  }
  for (size_t i = 0; i < l.n; i++)
    fi[i] = (struct flavor_info) { l.v[i].id, l.v[i].name, l.v[i].vcpus, l.v[i].ram_mb,
                                   l.v[i].disk_gb };
  const struct flavor_info *best = flavor_pick (fi, l.n, vm->cpus, vm->memory_mb);
  if (best) {
    *id = strdup (best->id);
    *name = strdup (best->name);
    log_info ("flavor auto: %s (%d vCPUs, %" PRId64 " MiB) is the smallest with the VM's %d "
              "vCPUs and %" PRId64 " MiB", best->name, best->vcpus, best->ram_mb, vm->cpus,
              vm->memory_mb);
    rc = 0;
  }
  else if (cfg->create_flavor) {
    if (asprintf (name, "vmigrate-%dvcpu-%" PRId64 "mb", vm->cpus, vm->memory_mb) < 0)
      *name = NULL;
    rc = *name ? os_flavor_create (os, *name, vm->cpus, vm->memory_mb, id, err)
               : vmerr_set (err, VMERR_FAILED, "out of memory");
  }
  else
    vmerr_set (err, VMERR_PRECONDITION, "--flavor auto: no flavor has the VM's %d vCPUs and "
               "%" PRId64 " MiB; give --flavor NAME, or --create-flavor to make one; nothing "
               "was created", vm->cpus, vm->memory_mb);
  free (fi);
out:
  if (rc == 0 && (*id == NULL || *name == NULL))
    rc = vmerr_set (err, VMERR_FAILED, "out of memory");
  if (rc == -1) {
    free (*id);
    free (*name);
    *id = *name = NULL;
  }
  os_flavor_list_free (&l);
  return rc;
}

/* --user-data FILE, read whole (*TEXT malloc'd; NULL without the option). */
static int
read_user_data (const char *path, char **text, struct vmerr *err)
{
  FILE *f;
  size_t n;

  *text = NULL;
  if (path == NULL)
    return 0;
  if ((f = fopen (path, "r")) == NULL)
    return vmerr_set (err, VMERR_CONFIG, "--user-data %s: %s", path, strerror (errno));
  if ((*text = malloc (USER_DATA_MAX + 1)) == NULL) {
    fclose (f);
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  }
  n = fread (*text, 1, USER_DATA_MAX + 1, f);
  bool bad = ferror (f);
  fclose (f);
  if (bad || n > USER_DATA_MAX) {
    free (*text);
    *text = NULL;
    return vmerr_set (err, VMERR_CONFIG, "--user-data %s: %s", path,
                      bad ? "cannot be read" : "larger than 48 KiB (Nova takes 64 KiB encoded)");
  }
  (*text)[n] = '\0';
  return 0;
}

/* Resolved IDs of the plan: network and subnet per NIC, security groups. */
struct resolved {
  char **net_ids, **subnet_ids;
  char *sg_ids[CONFIG_LIST_MAX];
  size_t nsg;
};

static void
resolved_free (struct resolved *r, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    free (r->net_ids ? r->net_ids[i] : NULL);
    free (r->subnet_ids ? r->subnet_ids[i] : NULL);
  }
  free (r->net_ids);
  free (r->subnet_ids);
  for (size_t i = 0; i < r->nsg; i++)
    free (r->sg_ids[i]);
}

static int
resolve (struct os_conn *os, const struct config *cfg, const struct nic_plan *plan, size_t n,
         struct resolved *r, struct vmerr *err)
{
  r->net_ids = calloc (n ? n : 1, sizeof *r->net_ids);
  r->subnet_ids = calloc (n ? n : 1, sizeof *r->subnet_ids);
  if (r->net_ids == NULL || r->subnet_ids == NULL)
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  for (size_t i = 0; i < n; i++) {
    if (os_net_find (os, OS_NET_NETWORK, plan[i].network, NULL, &r->net_ids[i], err) == -1 ||
        (plan[i].subnet && os_net_find (os, OS_NET_SUBNET, plan[i].subnet, r->net_ids[i],
                                        &r->subnet_ids[i], err) == -1)) {
      vmerr_prefix (err, "NIC %d (%s): ", plan[i].nic->key, plan[i].nic->mac);
      return -1;
    }
  }
  for (size_t i = 0; i < cfg->n_security_groups; i++, r->nsg++)
    if (os_net_find (os, OS_NET_SECURITY_GROUP, cfg->security_groups[i], NULL, &r->sg_ids[i],
                     err) == -1)
      return -1;
  return 0;
}

/* The ports, found by name or made (recorded in OUT as they come). */
static int
make_ports (struct os_conn *os, const struct config *cfg, const char *server,
            const struct nic_plan *plan, size_t n, const struct resolved *r,
            struct instance_result *out, struct vmerr *err)
{
  if ((out->ports = calloc (n ? n : 1, sizeof *out->ports)) == NULL)
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  for (size_t i = 0; i < n; i++) {
    struct instance_port *ip = &out->ports[i];
    struct os_port port;
    int found = 0;
    long status = 0;

    if (asprintf (&ip->name, "%s-nic%zu", server, i) < 0) {
      ip->name = NULL;
      return vmerr_set (err, VMERR_FAILED, "out of memory");
    }
    out->nports++;
    if (os_port_find (os, ip->name, &found, &port, err) == -1)
      return -1;
    if (found) {
      if (cfg->keep_mac && port.mac && strcasecmp (port.mac, plan[i].nic->mac) != 0) {
        vmerr_set (err, VMERR_PRECONDITION, "port %s (%s) exists with MAC %s, not the source "
                   "NIC's %s: delete it (openstack port delete %s) or give --no-keep-mac",
                   ip->name, port.id, port.mac, plan[i].nic->mac, port.id);
        os_port_free (&port);
        return -1;
      }
      log_info ("port %s (%s) found again", ip->name, port.id);
    }
    else {
      struct os_port_spec spec = {
        .name = ip->name, .network_id = r->net_ids[i],
        .mac = cfg->keep_mac ? plan[i].nic->mac : NULL, .subnet_id = r->subnet_ids[i],
        .ip = plan[i].ip, .security_groups = (const char *const *) r->sg_ids,
        .nsecurity_groups = r->nsg, .description = "vmigrate: source NIC",
      };
      if (os_port_create (os, &spec, &port, &status, err) == -1) {
        if (status == 403 && spec.mac)
          vmerr_set (err, VMERR_PRECONDITION, "Neutron's policy does not let this user set a "
                     "port's MAC address (rule create_port:mac_address, admin-only by "
                     "default on networks the project does not own): ask for the policy "
                     "or a network the project owns, or give --no-keep-mac (the guest then "
                     "sees new MACs: pinned NIC names follow the MAC, check them)");
        vmerr_prefix (err, "port %s for NIC %d: ", ip->name, plan[i].nic->key);
        return -1;
      }
      ip->created = true;
    }
    ip->id = strdup (port.id);
    ip->mac = port.mac ? strdup (port.mac) : NULL;
    os_port_free (&port);
    if (ip->id == NULL)
      return vmerr_set (err, VMERR_FAILED, "out of memory");
  }
  return 0;
}

/* Remove the ports this run made (a failed instance leaves nothing new). */
static void
remove_new_ports (struct os_conn *os, const struct instance_result *out)
{
  for (size_t i = 0; i < out->nports; i++) {
    struct vmerr e = { 0 };
    if (out->ports[i].created && out->ports[i].id && os_port_delete (os, out->ports[i].id, &e) == -1)
      log_warn ("could not remove port %s: %s (remove it by hand: openstack port delete %s)",
                out->ports[i].name, e.msg, out->ports[i].id);
  }
}

struct build_wait {
  struct os_conn *os;
  const char *id;
  struct os_server s;
};

static int
build_done (void *opaque, struct vmerr *err)
{
  struct build_wait *w = opaque;
  int found;

  os_server_free (&w->s);
  if (os_server_show (w->os, w->id, &found, &w->s, err) == -1)
    return -1;
  if (!found)
    return vmerr_set (err, VMERR_OPENSTACK, "server %s vanished while it was being built", w->id);
  return w->s.status && (strcmp (w->s.status, "ACTIVE") == 0 || strcmp (w->s.status, "ERROR") == 0);
}

/* Wait for ACTIVE; ERROR removes the server. */
static int
await_active (struct os_conn *os, const struct config *cfg, const char *id,
              struct instance_result *out, struct vmerr *err)
{
  struct build_wait w = { .os = os, .id = id };
  struct wait_spec spec = { .timeout_s = cfg->instance_timeout, .first_delay_s = 0.2,
                            .max_delay_s = 5, .interruptible = true };
  enum wait_result wr = wait_until (&spec, build_done, &w, err);
  int rc = -1;

  if (wr == WAIT_TIMEOUT)
    vmerr_set (err, VMERR_TIMEOUT, "server %s is still %s after %d s (--instance-timeout); it "
               "is left as it is: run 'vmigrate instance' again to wait for it", id,
               w.s.status ? w.s.status : "building", cfg->instance_timeout);
  else if (wr == WAIT_INTERRUPTED)
    vmerr_set (err, VMERR_INTERRUPTED, "interrupted while server %s was being built; run "
               "'vmigrate instance' again to wait for it", id);
  else if (wr == WAIT_DONE && strcmp (w.s.status, "ERROR") == 0) {
    struct vmerr e = { 0 };
    vmerr_set (err, VMERR_OPENSTACK, "server %s went to ERROR: %s; it was removed (the volumes "
               "are kept): fix the cause and run 'vmigrate instance' again", id,
               w.s.fault ? w.s.fault : "Nova gave no fault message");
    if (os_server_delete (os, id, &e) == -1)
      log_warn ("could not remove the failed server %s: %s", id, e.msg);
  }
  else if (wr == WAIT_DONE) {
    out->status = strdup (w.s.status);
    out->addresses = strdup (w.s.addresses ? w.s.addresses : "");
    rc = out->status && out->addresses ? 0 : vmerr_set (err, VMERR_FAILED, "out of memory");
  }
  os_server_free (&w.s);
  return rc;
}

/* A server named NAME already: ours (VM's UUID in its metadata) is found
 * again (*ID), anybody else's is an error. */
static int
existing_server (struct os_conn *os, const char *name, const struct vs_vm *vm, char **id,
                 struct vmerr *err)
{
  struct os_server s;
  int found = 0;

  if (os_server_find (os, name, id, err) == -1 || *id == NULL)
    return *id == NULL && err->code == VMERR_OK ? 0 : -1;
  if (os_server_show (os, *id, &found, &s, err) == -1)
    return -1;
  const char *uuid = found ? kv_get (&s.metadata, SERVER_META_VM_UUID) : NULL;
  bool ours = uuid && strcmp (uuid, vm->instance_uuid) == 0;
  bool failed = found && s.status && strcmp (s.status, "ERROR") == 0;
  os_server_free (&s);
  if (!found) {
    free (*id);
    *id = NULL;
    return 0;
  }
  if (!ours) {
    vmerr_set (err, VMERR_PRECONDITION, "a server named '%s' (%s) exists and was not made "
               "from VM %s: give another --server-name; nothing was created", name, *id,
               vm->name);
    return -1;
  }
  if (failed) {
    /* An earlier run's failed server: out of the way for a new one. */
    log_info ("server %s (%s) is in ERROR from an earlier run: removing it", name, *id);
    int rc = os_server_delete (os, *id, err);
    free (*id);
    *id = NULL;
    return rc;
  }
  return 0;
}

int
instance_create (struct os_conn *os, const struct config *cfg, const struct vs_vm *vm,
                 const char *const *volume_ids, size_t nvolumes,
                 struct instance_result *out, struct vmerr *err)
{
  const char *name = cfg->server_name ? cfg->server_name : vm->name;
  struct netmap m = { 0 };
  struct nic_plan *plan = calloc (vm->nnics ? vm->nnics : 1, sizeof *plan);
  struct resolved r = { 0 };
  struct kv meta = { 0 };
  char *flavor_id = NULL, *user_data = NULL, *id = NULL;
  const char **port_ids = NULL;
  int rc = -1;

  memset (out, 0, sizeof *out);
  if (plan == NULL) {
    vmerr_set (err, VMERR_FAILED, "out of memory");
    goto out;
  }
  for (size_t i = 0; i < cfg->n_network_maps; i++)
    if (netmap_add (&m, cfg->network_maps[i], err) == -1)
      goto out;
  /* The whole plan first: nothing is made for a VM that cannot be placed. */
  if (netmap_plan (&m, cfg->network, vm->nics, vm->nnics, plan, err) == -1 ||
      read_user_data (cfg->user_data, &user_data, err) == -1 ||
      existing_server (os, name, vm, &id, err) == -1)
    goto out;
  if (id) {
    log_info ("server %s (%s) was made from this VM already: found again", name, id);
    out->found_again = true;
  }
  else {
    if (resolve (os, cfg, plan, vm->nnics, &r, err) == -1 ||
        choose_flavor (os, cfg, vm, &flavor_id, &out->flavor, err) == -1 ||
        make_ports (os, cfg, name, plan, vm->nnics, &r, out, err) == -1)
      goto fail;
    if ((port_ids = calloc (out->nports ? out->nports : 1, sizeof *port_ids)) == NULL ||
        kv_set (&meta, SERVER_META_VM_UUID, vm->instance_uuid) == -1 ||
        kv_set (&meta, "vmigrate_vm", vm->name) == -1) {
      vmerr_set (err, VMERR_FAILED, "out of memory");
      goto fail;
    }
    for (size_t i = 0; i < out->nports; i++)
      port_ids[i] = out->ports[i].id;
    struct os_server_spec spec = {
      .name = name, .flavor_id = flavor_id, .volume_ids = volume_ids, .nvolumes = nvolumes,
      .port_ids = port_ids, .nports = out->nports, .metadata = &meta,
      .key_name = cfg->key_name, .user_data = user_data,
      .availability_zone = cfg->availability_zone,
    };
    if (os_server_create (os, &spec, &id, NULL, err) == -1)
      goto fail;
  }
  out->server_id = strdup (id);
  out->server_name = strdup (name);
  if (out->server_id == NULL || out->server_name == NULL) {
    vmerr_set (err, VMERR_FAILED, "out of memory");
    goto out;
  }
  if (await_active (os, cfg, id, out, err) == 0)
    rc = 0;
  else if (err->code == VMERR_OPENSTACK)  /* ERROR: the server is gone, its new ports too */
    remove_new_ports (os, out);
  goto out;
fail:
  remove_new_ports (os, out);
out:
  if (rc == -1)
    instance_result_free (out);
  kv_free (&meta);
  free (port_ids);
  free (id);
  free (flavor_id);
  free (user_data);
  resolved_free (&r, vm->nnics);
  free (plan);
  netmap_free (&m);
  return rc;
}
