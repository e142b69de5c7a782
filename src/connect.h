#ifndef VMIGRATE_CONNECT_H
#define VMIGRATE_CONNECT_H

#include "config.h"
#include "error.h"
#include "vsphere/soap.h"

/* Open the vSphere session the configuration describes; every missing
 * setting is reported by its flag and variable name. */
struct vs_conn *connect_vsphere (const struct config *cfg, struct vmerr *err);

#endif
