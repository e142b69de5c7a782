/* Guest shutdown and power-off. */
#include "power.h"
#include "props.h"
#include "task.h"
#include "log.h"
#include "wait-until.h"

#include <stdlib.h>
#include <string.h>

int
vs_power_state (struct vs_conn *c, const char *vm_moref, char **state, struct vmerr *err)
{
  static const char *const paths[] = { "runtime.powerState", NULL };
  struct vs_props p;

  if (vs_get_props (c, "VirtualMachine", vm_moref, paths, &p, err) == -1)
    return -1;
  *state = vs_prop_text (&p, "runtime.powerState");
  vs_props_free (&p);
  if (*state == NULL)
    return vmerr_set (err, VMERR_VSPHERE, "VM %s has no power state", vm_moref);
  return 0;
}

static int
hard_off (struct vs_conn *c, const char *vm_moref, struct vmerr *err)
{
  return vs_call_task (c, "PowerOffVM_Task", "VirtualMachine", vm_moref, NULL,
                       "powering off the VM", 600, NULL, NULL, err);
}

struct off_probe {
  struct vs_conn *c;       /* session */
  const char *vm_moref;    /* the VM */
};

static int
powered_off (void *opaque, struct vmerr *err)
{
  struct off_probe *p = opaque;
  char *state;

  if (vs_power_state (p->c, p->vm_moref, &state, err) == -1)
    return -1;
  bool off = strcmp (state, "poweredOff") == 0;
  free (state);
  return off;
}

int
vs_power_off (struct vs_conn *c, const char *vm_moref, int timeout_s, bool *hard,
              struct vmerr *err)
{
  struct vs_fault fault;
  xmlDoc *doc;
  xmlNode *ret;
  char *state = NULL;

  *hard = false;
  if (vs_power_state (c, vm_moref, &state, err) == -1)
    return -1;
  if (strcmp (state, "poweredOff") == 0) {
    free (state);
    return 0;
  }
  free (state);

  if (vs_call (c, "ShutdownGuest", "VirtualMachine", vm_moref, NULL, &doc, &ret, &fault,
               err) == -1) {
    if (strcmp (fault.type, "ToolsUnavailable") != 0 && strcmp (fault.type, "InvalidState") != 0)
      return -1;
    log_warn ("guest shutdown is not possible (%s): powering the VM off hard", fault.type);
    *hard = true;
    return hard_off (c, vm_moref, err);
  }
  xmlFreeDoc (doc);
  log_info ("guest shutdown requested; waiting up to %d s for the guest to stop", timeout_s);
  struct wait_spec spec = { .timeout_s = timeout_s, .first_delay_s = 0.25, .max_delay_s = 0.25,
                            .interruptible = true };
  struct off_probe p = { c, vm_moref };
  switch (timeout_s > 0 ? wait_until (&spec, powered_off, &p, err) : WAIT_TIMEOUT) {
  case WAIT_DONE:
    return 0;
  case WAIT_FAILED:
    return -1;
  case WAIT_INTERRUPTED:
    return vmerr_set (err, VMERR_INTERRUPTED, "interrupted while waiting for the guest "
                      "to shut down (the shutdown request was sent)");
  case WAIT_TIMEOUT:
    break;
  }
  log_warn ("the guest did not shut down within %d s: powering it off hard", timeout_s);
  *hard = true;
  return hard_off (c, vm_moref, err);
}
