#ifndef VMIGRATE_OPENSTACK_CLOUDS_H
#define VMIGRATE_OPENSTACK_CLOUDS_H

#include "auth.h"
#include "error.h"

/* Keystone settings from clouds.yaml / secure.yaml.  Not thread-safe (getenv). */

/* Read the clouds.yaml entry CLOUD from the first file found among
 * $OS_CLIENT_CONFIG_FILE, ./clouds.yaml, ~/.config/openstack/clouds.yaml,
 * /etc/openstack/clouds.yaml (also .yml), merged with the same entry of
 * the first secure.yaml found ($OS_CLIENT_SECURE_FILE, then the same
 * places).  A password or application credential secret missing from both
 * is taken from OS_PASSWORD / OS_APPLICATION_CREDENTIAL_SECRET; nothing
 * else comes from the environment.  Errors as os_auth_from_env, naming
 * the file and key. */
int os_auth_from_cloud (struct os_auth *a, const char *cloud, struct vmerr *err);

/* The same with explicit files (SECURE_FILE may be NULL): for tests and
 * for a caller that knows where its files are. */
int os_auth_from_clouds_file (struct os_auth *a, const char *clouds_file,
                              const char *secure_file, const char *cloud, struct vmerr *err);

#endif
