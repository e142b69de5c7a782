/* Fuzz target: a vim25 SOAP reply as vSphere sends it, through every
 * parser that reads one: the envelope and its fault (vs_reply_parse), the
 * property retrieval (vs_props_from_reply), the VM read with its disks,
 * NICs and snapshot tree (vs_vm_from_props) and the task info
 * (vs_task_state).  The changed disk areas have their own target. */
#include "fuzz.h"
#include "task.h"
#include "vm.h"

#include <stdlib.h>
#include <string.h>

/* Fault fields are fixed buffers the messages print: they must end. */
static void
check_fault (const struct vs_fault *f)
{
  if (memchr (f->type, '\0', sizeof f->type) == NULL ||
      memchr (f->invalid_property, '\0', sizeof f->invalid_property) == NULL)
    abort ();
}

static void
check_vm (const struct vs_vm *vm)
{
  if (vm->name == NULL || vm->power_state == NULL || strcmp (vm->moref, "vm-1") != 0)
    abort ();
  for (size_t i = 0; i < vm->ndisks; i++)
    if (vm->disks[i].change_id && vm->disks[i].change_id[0] == '\0')
      abort ();  /* an empty changeId means "no CBT": NULL */
  for (size_t i = 0; i < vm->nnics; i++) {
    const struct vs_nic *n = &vm->nics[i];
    if (n->mac == NULL || (n->nips > 0 && n->ips == NULL))
      abort ();
    for (size_t k = 0; k < n->nips; k++)
      if (n->ips[k] == NULL)
        abort ();
    (void) vs_nic_ipv4 (n);
  }
  if (vm->cpus < 0 || vm->memory_mb < 0)
    abort ();
  (void) vs_vm_is_windows (vm);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct vmerr err = { 0 };
  struct vs_fault fault;
  struct vs_props p;
  struct vs_vm vm;
  xmlDoc *doc;
  xmlNode *ret;
  char *result = NULL;

  if (vs_reply_parse ("RetrievePropertiesEx", (const char *) data, size, 200, &doc, &ret,
                      &fault, &err) == -1) {
    if (doc != NULL || err.code == 0)
      abort ();
    check_fault (&fault);
    return 0;
  }
  if (vs_props_from_reply (doc, ret, &p, &err) == 0) {
    for (size_t i = 0; i < p.n; i++)
      if (p.names[i] == NULL)
        abort ();
    err = (struct vmerr) { 0 };
    if (vs_vm_from_props (&p, "vm-1", &vm, &err) == 0) {
      check_vm (&vm);
      vs_vm_free (&vm);
    }
    err = (struct vmerr) { 0 };
    if (vs_task_state (&p, "fuzzing", &result, &fault, &err) == -1)
      check_fault (&fault);
    free (result);
  }
  vs_props_free (&p);
  return 0;
}
