/* `vmigrate inspect VM`: a read-only pre-flight check in vSphere. */
#include "cmd.h"
#include "connect.h"

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
  out->vm (out->opaque, &vm);
  vs_vm_free (&vm);
  rc = 0;
out:
  free (moref);
  vs_disconnect (c);
  return rc;
}
