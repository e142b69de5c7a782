#ifndef VMIGRATE_OPENSTACK_AUTH_SETTINGS_H
#define VMIGRATE_OPENSTACK_AUTH_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "auth.h"
#include "error.h"

/* Thread-safe: the table is read-only. */

/* Internal to the settings readers (auth-env.c, clouds.c) and the model
 * (auth.c): each string setting of struct os_auth with its OS_* variable
 * and its clouds.yaml key. */

struct os_setting {
  const char *env;   /* OS_* variable; NULL ends the table */
  const char *key;   /* clouds.yaml key path below the cloud ("auth.password") */
  size_t off;        /* offset of the char * field in struct os_auth */
  bool secret;       /* wiped on free; never shown */
};

extern const struct os_setting os_settings[];

/* The char * field at offset OFF of A. */
char **os_auth_field (struct os_auth *a, size_t off);

/* Shared tail of loading: auth type (AUTH_TYPE named NAME in messages, may
 * be NULL), required settings, URL and interface normalisation, default
 * domains.  Returns 0 or -1 with err set. */
int os_auth_finish (struct os_auth *a, const char *auth_type, const char *name,
                    struct vmerr *err);

#endif
