#ifndef VMIGRATE_OPENSTACK_AUTH_LOAD_H
#define VMIGRATE_OPENSTACK_AUTH_LOAD_H

#include "auth.h"
#include "error.h"

/* Not thread-safe (getenv). */

/* Which reader: a named cloud, else the environment. */

/* os_auth_from_cloud when CLOUD is set and not empty, else os_auth_from_env. */
int os_auth_load (struct os_auth *a, const char *cloud, struct vmerr *err);

#endif
