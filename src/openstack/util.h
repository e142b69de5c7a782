#ifndef VMIGRATE_OPENSTACK_UTIL_H
#define VMIGRATE_OPENSTACK_UTIL_H

#include <json-c/json.h>
#include <stddef.h>

#include "kv.h"

/* Thread-safe: pure functions. */

/* Internal helpers shared by the OpenStack client files: JSON access
 * (json-c), URL escaping, secrets, time.  Not part of the client's API. */

/* Parse a JSON document; NULL when it is not one. */
json_object *osj_parse (const char *text, size_t len);

/* Member KEY of object O when it has TYPE, else NULL (borrowed). */
json_object *osj_get (json_object *o, const char *key, json_type type);

/* String member KEY of O (borrowed), or NULL when absent, null or not a string. */
const char *osj_str (json_object *o, const char *key);

/* Copy of string member KEY (malloc'd), or NULL. */
char *osj_dup (json_object *o, const char *key);

/* Add every member of object O to KV: strings as they are, other scalars
 * as their JSON text.  Returns 0, -1 when out of memory. */
int osj_to_kv (json_object *o, struct kv *kv);

/* A JSON object of KV's strings (new reference), NULL when out of memory. */
json_object *osj_from_kv (const struct kv *kv);

/* Add string member KEY=VALUE to O unless VALUE is NULL.  Returns 0/-1. */
int osj_add_str (json_object *o, const char *key, const char *value);

/* Compact serialisation of O, malloc'd (NULL when out of memory). */
char *osj_text (json_object *o);

/* Percent-encode S for a URL path segment or query value (malloc'd). */
char *os_url_escape (const char *s);

/* strdup of S, or NULL for NULL. */
char *os_strdup (const char *s);

/* Overwrite a secret with zeros, then free it. */
void os_free_secret (char *s);


#endif
