#ifndef VMIGRATE_OPENSTACK_AUTH_H
#define VMIGRATE_OPENSTACK_AUTH_H

#include <stdbool.h>
#include <stddef.h>


/* Keystone v3 settings, read like the openstack client reads them: from the
 * OS_* environment (auth-env.h) or from a clouds.yaml entry (clouds.h);
 * auth-load.h picks one.  Every string is owned; secrets are wiped on
 * free.  Not thread-safe: a struct os_auth has one owner (a connection
 * keeps its own copy). */

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

/* Deep copy (for a connection that outlives the caller's settings).
 * Returns 0, -1 when out of memory. */
int os_auth_copy (struct os_auth *dst, const struct os_auth *src);

/* What an operator should check when Keystone refuses the login: the
 * variables or clouds.yaml keys in use (never their secret values). */
void os_auth_hint (const struct os_auth *a, char *buf, size_t n);

/* Free every string (wiping the secrets) and zero A. */
void os_auth_free (struct os_auth *a);

#endif
