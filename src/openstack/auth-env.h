#ifndef VMIGRATE_OPENSTACK_AUTH_ENV_H
#define VMIGRATE_OPENSTACK_AUTH_ENV_H

#include "auth.h"
#include "error.h"

/* Keystone settings from the environment.  Not thread-safe (getenv). */

/* Read the OS_* environment: OS_AUTH_URL, OS_USERNAME / OS_USER_ID,
 * OS_PASSWORD, OS_USER_DOMAIN_NAME / _ID, OS_PROJECT_NAME / _ID,
 * OS_PROJECT_DOMAIN_NAME / _ID, OS_DEFAULT_DOMAIN, OS_REGION_NAME,
 * OS_INTERFACE, OS_CACERT, OS_INSECURE, OS_AUTH_TYPE,
 * OS_APPLICATION_CREDENTIAL_ID / _NAME / _SECRET.  Returns 0, or -1 with
 * VMERR_CONFIG naming the variable to set.  Free A with os_auth_free
 * either way. */
int os_auth_from_env (struct os_auth *a, struct vmerr *err);

#endif
