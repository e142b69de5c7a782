#ifndef VMIGRATE_OPENSTACK_UTIL_H
#define VMIGRATE_OPENSTACK_UTIL_H

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "kv.h"

/* Thread-safe: pure functions. */

/* Internal helpers shared by the OpenStack client files: JSON access
 * (json-c), URL escaping, secrets, time.  Not part of the client's API. */

/* Parse a JSON document; NULL when it is not one. */
json_object *osj_parse (const char *text, size_t len);

/* Member KEY of object O when it has TYPE, else NULL (borrowed). */
json_object *osj_get (json_object *o, const char *key, json_type type);

/* The KEY array of REPLY (borrowed) whose every item is an object, or NULL
 * with err set (VMERR_OPENSTACK, WHAT says which call: "Cinder GET
 * /volumes/detail") when REPLY is NULL (an empty body), has no such array
 * or holds anything else: a listing is never guessed to be empty. */
json_object *osj_list (json_object *reply, const char *key, const char *what,
                       struct vmerr *err);

/* Integer member KEY of O as a size in GiB whose bytes fit in an int64
 * (0 <= size <= OS_MAX_GIB).  Returns 0, -1 when absent or out of range. */
#define OS_MAX_GIB (INT64_MAX >> 30)
int osj_size_gib (json_object *o, const char *key, int64_t *out);

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

/* "/COLLECTION/ID" with ID percent-encoded (malloc'd), NULL when out of memory. */
char *os_id_path (const char *collection, const char *id);

/* strdup of S, or NULL for NULL. */
char *os_strdup (const char *s);

/* Overwrite a secret with zeros, then free it. */
void os_free_secret (char *s);


#endif
