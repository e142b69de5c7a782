#ifndef VMIGRATE_OPENSTACK_AUTH_H
#define VMIGRATE_OPENSTACK_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* Keystone v3 settings, read like the openstack client reads them: from the
 * OS_* environment (an openrc file) or from a clouds.yaml entry
 * (--os-cloud NAME).  Every string is owned; secrets are wiped on free. */

enum os_auth_method {
  OS_AUTH_PASSWORD,                /* OS_AUTH_TYPE password / v3password (default) */
  OS_AUTH_APPLICATION_CREDENTIAL,  /* OS_AUTH_TYPE v3applicationcredential */
};

struct os_auth {
  enum os_auth_method method;  /* which Keystone method logs in */
  char *auth_url;              /* Keystone v3 URL, normalised to end in /v3 */
  char *username;              /* user by name (needs a user domain) ... */
  char *user_id;               /* ... or by id */
  char *password;              /* secret: never logged nor put in messages */
  char *user_domain_name;      /* domain of USERNAME ... */
  char *user_domain_id;        /* ... or its id ("default" when neither is set) */
  char *project_name;          /* project scope by name (needs a project domain) ... */
  char *project_id;            /* ... or by id */
  char *project_domain_name;   /* domain of PROJECT_NAME ... */
  char *project_domain_id;     /* ... or its id ("default" when neither is set) */
  char *app_cred_id;           /* application credential by id ... */
  char *app_cred_name;         /* ... or by name (with the user) */
  char *app_cred_secret;       /* secret: never logged nor put in messages */
  char *region;                /* catalog region, NULL: the first one offered */
  char *interface;             /* catalog interface: public (default), internal, admin */
  char *cacert;                /* CA bundle for Keystone and the services, or NULL */
  bool insecure;               /* skip TLS verification (OS_INSECURE, verify: false) */
  char *cloud;                 /* clouds.yaml entry name, NULL for the environment */
  char *cloud_file;            /* the clouds.yaml file it came from, or NULL */
};

/* Read the OS_* environment: OS_AUTH_URL, OS_USERNAME / OS_USER_ID,
 * OS_PASSWORD, OS_USER_DOMAIN_NAME / _ID, OS_PROJECT_NAME / _ID,
 * OS_PROJECT_DOMAIN_NAME / _ID, OS_DEFAULT_DOMAIN, OS_REGION_NAME,
 * OS_INTERFACE, OS_CACERT, OS_INSECURE, OS_AUTH_TYPE,
 * OS_APPLICATION_CREDENTIAL_ID / _NAME / _SECRET.  Returns 0, or -1 with
 * VMERR_CONFIG naming the variable to set.  Free A with os_auth_free
 * either way. */
int os_auth_from_env (struct os_auth *a, struct vmerr *err);

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

/* os_auth_from_cloud when CLOUD is set and not empty, else os_auth_from_env. */
int os_auth_load (struct os_auth *a, const char *cloud, struct vmerr *err);

/* Deep copy (for a connection that outlives the caller's settings).
 * Returns 0, -1 when out of memory. */
int os_auth_copy (struct os_auth *dst, const struct os_auth *src);

/* What an operator should check when Keystone refuses the login: the
 * variables or clouds.yaml keys in use (never their secret values). */
void os_auth_hint (const struct os_auth *a, char *buf, size_t n);

/* Free every string (wiping the secrets) and zero A. */
void os_auth_free (struct os_auth *a);

#endif
