/* `vmigrate status VM`: where the migration of each disk stands, read from
 * the volumes' metadata (the only place state is kept). */
#include "cmd.h"
#include "connect.h"

#include <stdlib.h>

int
cmd_status (const struct config *cfg, const struct report_ops *out, struct vmerr *err)
{
  struct vs_conn *c = connect_vsphere (cfg, err);
  struct volume_ctx x = { 0 };
  struct vs_vm vm = { 0 };
  struct status_report s = { .vm = &vm };
  char *moref = NULL;
  int rc = -1;

  if (c == NULL)
    return -1;
  if (vs_find_vm (c, cfg->vm, &moref, err) == -1 || vs_vm_read (c, moref, &vm, err) == -1 ||
      volume_ctx_open (&x, cfg, err) == -1)
    goto out;
  s.disks = calloc (vm.ndisks ? vm.ndisks : 1, sizeof *s.disks);
  if (s.disks == NULL) {
    vmerr_set (err, VMERR_FAILED, "out of memory");
    goto out;
  }
  for (s.ndisks = 0; s.ndisks < vm.ndisks; s.ndisks++) {
    struct status_disk *d = &s.disks[s.ndisks];
    d->disk = &vm.disks[s.ndisks];
    if (volume_find (&x, &vm, d->disk, &d->vol, &d->found, err) == -1)
      goto out;
  }
  out->status (out->opaque, &s);
  rc = 0;
out:
  for (size_t i = 0; s.disks && i < vm.ndisks; i++)
    disk_volume_free (&s.disks[i].vol);
  free (s.disks);
  volume_ctx_close (&x);
  vs_vm_free (&vm);
  free (moref);
  vs_disconnect (c);
  return rc;
}
