#ifndef VMIGRATE_LIB_KV_H
#define VMIGRATE_LIB_KV_H

#include <stdbool.h>
#include <stddef.h>

/* Not thread-safe: a map has one owner. */

/* An ordered string map: Cinder volume metadata, image metadata, list
 * filters.  Keys are unique; values are strings (Cinder stores nothing else). */

struct kv_pair {
  char *key;               /* owned */
  char *value;             /* owned */
};

struct kv {
  struct kv_pair *items;   /* n entries in insertion order (owned) */
  size_t n;                /* entries in use */
  size_t cap;              /* entries allocated */
};

/* Set KEY to VALUE (both copied), replacing an existing value.
 * Returns 0, or -1 when out of memory (the map is unchanged). */
int kv_set (struct kv *kv, const char *key, const char *value);

/* Value of KEY (borrowed from the map), or NULL. */
const char *kv_get (const struct kv *kv, const char *key);

/* Remove KEY; true when it was there. */
bool kv_del (struct kv *kv, const char *key);

/* Free every entry; the map is left empty and reusable. */
void kv_free (struct kv *kv);

#endif
