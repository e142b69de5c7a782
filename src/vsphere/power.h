#ifndef VMIGRATE_VSPHERE_POWER_H
#define VMIGRATE_VSPHERE_POWER_H

#include <stdbool.h>

#include "soap.h"

/* Not thread-safe: calls on one vs_conn come from one thread at a time. */

/* Stop the VM for cutover: a real guest shutdown (VMware Tools) so the
 * guest flushes its filesystems, a hard power-off only when the guest has
 * not stopped within TIMEOUT_S or has no running Tools.  *hard tells which
 * happened.  A VM already off is left as it is. */
int vs_power_off (struct vs_conn *c, const char *vm_moref, int timeout_s, bool *hard,
                  struct vmerr *err);

/* Current runtime.powerState (malloc'd). */
int vs_power_state (struct vs_conn *c, const char *vm_moref, char **state, struct vmerr *err);

#endif
