/* `vmigrate inspect VM`: a read-only pre-flight check in vSphere. */
#include "cmd.h"
#include "connect.h"
#include "virtio-win.h"

#include <stdlib.h>

int
cmd_inspect (const struct config *cfg, const struct report_ops *out, struct vmerr *err)
{
  struct vs_conn *c = connect_vsphere (cfg, err);
  struct vs_vm vm;
  char *moref = NULL;
  int rc = -1;

  if (c == NULL)
    return -1;
  if (vs_find_vm (c, cfg->vm, &moref, err) == -1 || vs_vm_read (c, moref, &vm, err) == -1)
    goto out;
  /* The cutover would refuse to stop a Windows guest without drivers: say
   * so now. */
  char *vw = NULL;
  struct vmerr vwerr = { 0 };
  if (vs_vm_is_windows (&vm))
    virtio_win_find (cfg->virtio_win, &vw, &vwerr);
  out->vm (out->opaque, &vm, vw, vwerr.code ? vwerr.msg : NULL);
  free (vw);
  vs_vm_free (&vm);
  rc = 0;
out:
  free (moref);
  vs_disconnect (c);
  return rc;
}
