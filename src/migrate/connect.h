#ifndef VMIGRATE_MIGRATE_CONNECT_H
#define VMIGRATE_MIGRATE_CONNECT_H

#include "config.h"
#include "error.h"
#include "soap.h"

/* Thread-safe: it only reads the configuration; the session it returns has
 * one owner. */

/* Open the vSphere session the configuration describes; every missing
 * setting is reported by its flag and variable name. */
struct vs_conn *connect_vsphere (const struct config *cfg, struct vmerr *err);

#endif
