/* `vmigrate instance VM`: the Nova server of a converted VM, booted from
 * its volumes with ports that keep the source MACs; found again on a
 * rerun.  The volumes must be converted and detached. */
#include "cmd.h"
#include "connect.h"
#include "create.h"
#include "netmap.h"

#include <stdlib.h>
#include <string.h>

/* Metadata key of each volume: the server that boots from the VM's disks. */
#define META_SERVER_ID "vmigrate_server_id"

int
cmd_instance (const struct config *cfg, const struct report_ops *out, struct vmerr *err)
{
  struct vs_conn *c = connect_vsphere (cfg, err);
  struct volume_ctx x = { 0 };
  struct vs_vm vm = { 0 };
  struct disk_volume *vols = NULL;
  const char **ids = NULL;
  struct instance_result res = { 0 };
  char *moref = NULL;
  size_t nvols = 0;
  int rc = -1;

  if (c == NULL)
    return -1;
  if (vs_find_vm (c, cfg->vm, &moref, err) == -1 || vs_vm_read (c, moref, &vm, err) == -1 ||
      volume_ctx_open (&x, cfg, err) == -1)
    goto out;
  if (vm.ndisks == 0) {
    vmerr_set (err, VMERR_PRECONDITION, "VM %s has no disks: nothing to boot from", vm.name);
    goto out;
  }
  vols = calloc (vm.ndisks, sizeof *vols);
  ids = calloc (vm.ndisks, sizeof *ids);
  if (vols == NULL || ids == NULL) {
    vmerr_set (err, VMERR_FAILED, "out of memory");
    goto out;
  }
  /* Every disk converted: the instance boots from what the cutover made. */
  for (; nvols < vm.ndisks; nvols++) {
    bool found = false;
    const struct vs_disk *d = &vm.disks[nvols];
    if (volume_find (&x, &vm, d, &vols[nvols], &found, err) == -1)
      goto out;
    if (!found || !state_true (&vols[nvols].meta, META_CONVERTED)) {
      vmerr_set (err, VMERR_PRECONDITION, "disk %d of VM %s %s: run 'vmigrate cutover %s' "
                 "first (or cutover --create-instance); nothing was created", d->key, vm.name,
                 found ? "is not converted yet" : "has no volume", cfg->vm);
      if (found)
        nvols++;
      goto out;
    }
    if (vols[nvols].attached_to && (!vols[nvols].status ||
                                    strcmp (vols[nvols].status, "in-use") == 0)) {
      const char *srv = kv_get (&vols[nvols].meta, META_SERVER_ID);
      if (srv == NULL || strcmp (srv, vols[nvols].attached_to) != 0) {
        vmerr_set (err, VMERR_PRECONDITION, "volume %s (disk %d) is attached to server %s: "
                   "detach it first (openstack server remove volume %s %s); nothing was "
                   "created", vols[nvols].id, d->key, vols[nvols].attached_to,
                   vols[nvols].attached_to, vols[nvols].id);
        nvols++;
        goto out;
      }
    }
    ids[nvols] = vols[nvols].id;
  }
  /* The guest is off after a cutover: ip=keep uses what the last window
   * recorded while it ran. */
  if (netmap_guest_ips_apply (kv_get (&vols[0].meta, META_GUEST_IPS), vm.nics, vm.nnics) == -1) {
    vmerr_set (err, VMERR_FAILED, "out of memory");
    goto out;
  }
  if (instance_create (x.os, cfg, &vm, ids, nvols, &res, err) == -1)
    goto out;
  /* Any conversion host can see which server boots from these volumes. */
  struct kv meta = { 0 };
  if (kv_set (&meta, META_SERVER_ID, res.server_id) == -1) {
    kv_free (&meta);
    vmerr_set (err, VMERR_FAILED, "out of memory");
    goto out;
  }
  for (size_t i = 0; i < nvols; i++)
    if (volume_set_meta (&x, &vols[i], &meta, err) == -1) {
      kv_free (&meta);
      goto out;
    }
  kv_free (&meta);
  out->instance (out->opaque, &vm, &res);
  rc = 0;
out:
  instance_result_free (&res);
  for (size_t i = 0; i < nvols; i++)
    disk_volume_free (&vols[i]);
  free (vols);
  free (ids);
  volume_ctx_close (&x);
  vs_vm_free (&vm);
  free (moref);
  vs_disconnect (c);
  return rc;
}
