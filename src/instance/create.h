#ifndef VMIGRATE_INSTANCE_CREATE_H
#define VMIGRATE_INSTANCE_CREATE_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "conn.h"
#include "error.h"
#include "vm.h"

/* The instance of a converted VM: one Neutron port per source NIC (named
 * SERVER-nicN, with the source MAC unless --no-keep-mac), then a Nova
 * server booted from the converted volumes, awaited until ACTIVE.  Found
 * again on a rerun (the server by name and the VM's UUID in its metadata,
 * the ports by name); a server that ends in ERROR is removed with the
 * ports this run made, volumes are never touched.  Not thread-safe: one
 * caller per VM (the run's lock). */

struct instance_port {
  char *id;
  char *name;
  char *mac;
  bool created;          /* by this run */
};

struct instance_result {
  char *server_id;
  char *server_name;
  char *status;          /* ACTIVE */
  char *addresses;       /* "net=10.0.0.5 (MAC), ..." */
  char *flavor;          /* the flavor's name */
  bool found_again;      /* the server existed already */
  size_t nports;
  struct instance_port *ports;
};

void instance_result_free (struct instance_result *r);

/* Create or find the instance of VM booting from VOLUME_IDS (the boot
 * disk's first, then the others in disk order), as CFG's instance options
 * say.  Errors of the plan (unmapped NIC, unknown network or flavor, no
 * fitting flavor) come before anything is created. */
int instance_create (struct os_conn *os, const struct config *cfg, const struct vs_vm *vm,
                     const char *const *volume_ids, size_t nvolumes,
                     struct instance_result *out, struct vmerr *err);

#endif
