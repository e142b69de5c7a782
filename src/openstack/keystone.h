#ifndef VMIGRATE_OPENSTACK_KEYSTONE_H
#define VMIGRATE_OPENSTACK_KEYSTONE_H

#include <json-c/json.h>
#include <stddef.h>
#include <time.h>

#include "error.h"
#include "auth.h"

/* Thread-safe: pure functions over the documents they are given. */

/* The pure parts of Keystone v3: the login request, the token reply, the
 * service catalog.  No network here (conn.c does the exchange), so unit
 * tests feed them recorded replies. */

struct os_token_info {
  time_t issued_at;       /* server clock; 0 when the reply has none */
  time_t expires_at;      /* server clock */
  char *project_id;       /* the token's project scope (owned), NULL if unscoped */
  json_object *catalog;   /* the reply's "catalog" array (own reference), or NULL */
};

/* Keystone's UTC timestamps: "2024-05-01T10:00:00.000000Z", also without
 * the fraction, and with "+00:00" or "Z" or nothing as the zone.  Returns
 * 0, or -1 when S is not such a timestamp. */
int os_parse_time (const char *s, time_t *out);

/* Parse the body of POST /v3/auth/tokens.  Returns 0, or -1 with
 * VMERR_OPENSTACK when it is not a token (or has no expires_at).  Free TI
 * with os_token_info_free either way. */
int os_token_parse (const char *body, size_t len, struct os_token_info *ti, struct vmerr *err);

void os_token_info_free (struct os_token_info *ti);

/* Seconds before expiry at which a token of LIFETIME seconds is renewed:
 * a fifth of its life, at most two minutes. */
double os_token_margin (double lifetime);

/* URL (malloc'd, without trailing '/') of the first service whose type is
 * one of TYPES (NULL-terminated, in order of preference) that has an
 * endpoint for INTERFACE in REGION (any region when NULL).  NULL with
 * VMERR_OPENSTACK naming the endpoints the catalog does offer. */
char *os_catalog_endpoint (json_object *catalog, const char *const *types, const char *region,
                           const char *interface, struct vmerr *err);

/* JSON body of POST /v3/auth/tokens for A (malloc'd).  It holds a secret:
 * release it with os_free_secret.  NULL when out of memory. */
char *os_auth_request_body (const struct os_auth *a);

#endif
