/* Snapshot create/remove, and cleanup of leftovers from killed runs. */
#include "snapshot.h"
#include "task.h"
#include "xml.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SNAPSHOT_TIMEOUT_S = 3600 };

int
vs_snapshot_create (struct vs_conn *c, const char *vm_moref, const char *name, bool quiesce,
                    char **moref, struct vmerr *err)
{
  char *args = NULL, *esc = xml_escape (name);
  int rc;

  if (esc == NULL ||
      asprintf (&args, "<name>%s</name><description>Taken by vmigrate for a copy window; "
                "removed when the window ends.</description><memory>false</memory>"
                "<quiesce>%s</quiesce>", esc, quiesce ? "true" : "false") < 0)
    args = NULL;
  free (esc);
  if (args == NULL)
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  rc = vs_call_task (c, "CreateSnapshot_Task", "VirtualMachine", vm_moref, args,
                     "creating snapshot", SNAPSHOT_TIMEOUT_S, moref, NULL, err);
  free (args);
  if (rc == 0 && (*moref == NULL || **moref == '\0')) {
    free (*moref);
    *moref = NULL;
    return vmerr_set (err, VMERR_VSPHERE, "creating snapshot: the task returned no snapshot");
  }
  return rc;
}

int
vs_snapshot_remove (struct vs_conn *c, const char *snap_moref, struct vmerr *err)
{
  /* consolidate=true explicitly: leftover delta disks slow the VM down. */
  return vs_call_task (c, "RemoveSnapshot_Task", "VirtualMachineSnapshot", snap_moref,
                       "<removeChildren>false</removeChildren><consolidate>true</consolidate>",
                       "removing snapshot", SNAPSHOT_TIMEOUT_S, NULL, NULL, err);
}

int
vs_snapshot_remove_ours (struct vs_conn *c, const struct vs_vm *vm, int *removed,
                         struct vmerr *err)
{
  *removed = 0;
  /* Newest first: children before parents keeps the chain simple. */
  for (size_t i = vm->nsnapshots; i-- > 0;) {
    const struct vs_snapshot_ref *s = &vm->snapshots[i];
    if (s->name == NULL || strncmp (s->name, VS_SNAPSHOT_PREFIX, strlen (VS_SNAPSHOT_PREFIX)) != 0)
      continue;
    log_warn ("removing snapshot '%s' (%s) left by an earlier vmigrate run", s->name, s->moref);
    if (vs_snapshot_remove (c, s->moref, err) == -1)
      return -1;
    (*removed)++;
  }
  return 0;
}
