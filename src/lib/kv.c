/* The small ordered string map used for Cinder metadata. */
#include "kv.h"
#include "vector.h"

#include <stdlib.h>
#include <string.h>

static struct kv_pair *
find (const struct kv *kv, const char *key)
{
  for (size_t i = 0; i < kv->n; i++)
    if (strcmp (kv->items[i].key, key) == 0)
      return &kv->items[i];
  return NULL;
}

int
kv_set (struct kv *kv, const char *key, const char *value)
{
  struct kv_pair *p = find (kv, key);
  char *v = strdup (value);

  if (v == NULL)
    return -1;
  if (p) {
    free (p->value);
    p->value = v;
    return 0;
  }
  if (vector_grow (&kv->items, &kv->cap, kv->n + 1, sizeof *kv->items) == -1) {
    free (v);
    return -1;
  }
  p = &kv->items[kv->n];
  p->key = strdup (key);
  if (p->key == NULL) {
    free (v);
    return -1;
  }
  p->value = v;
  kv->n++;
  return 0;
}

const char *
kv_get (const struct kv *kv, const char *key)
{
  struct kv_pair *p = find (kv, key);
  return p ? p->value : NULL;
}

bool
kv_del (struct kv *kv, const char *key)
{
  struct kv_pair *p = find (kv, key);

  if (p == NULL)
    return false;
  free (p->key);
  free (p->value);
  memmove (p, p + 1, (size_t) (kv->items + kv->n - (p + 1)) * sizeof *p);
  kv->n--;
  return true;
}

void
kv_free (struct kv *kv)
{
  for (size_t i = 0; i < kv->n; i++) {
    free (kv->items[i].key);
    free (kv->items[i].value);
  }
  free (kv->items);
  kv->items = NULL;
  kv->n = kv->cap = 0;
}
