/* Internal helpers of the OpenStack client: json-c access, escaping, time. */
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

json_object *
osj_parse (const char *text, size_t len)
{
  struct json_tokener *tok;
  json_object *o;

  if (text == NULL || len == 0 || len > (size_t) 0x7fffffff)
    return NULL;
  tok = json_tokener_new ();
  if (tok == NULL)
    return NULL;
  o = json_tokener_parse_ex (tok, text, (int) len);
  if (json_tokener_get_error (tok) != json_tokener_success) {
    json_object_put (o);
    o = NULL;
  }
  json_tokener_free (tok);
  return o;
}

json_object *
osj_get (json_object *o, const char *key, json_type type)
{
  json_object *v;

  if (o == NULL || !json_object_is_type (o, json_type_object) ||
      !json_object_object_get_ex (o, key, &v) || !json_object_is_type (v, type))
    return NULL;
  return v;
}

json_object *
osj_list (json_object *reply, const char *key, const char *what, struct vmerr *err)
{
  json_object *arr;

  if (reply == NULL) {
    vmerr_set (err, VMERR_OPENSTACK, "%s: empty reply where a '%s' list was expected", what, key);
    return NULL;
  }
  arr = osj_get (reply, key, json_type_array);
  if (arr == NULL) {
    vmerr_set (err, VMERR_OPENSTACK, "%s: the reply has no '%s' list; refusing to take it "
               "for an empty one", what, key);
    return NULL;
  }
  for (size_t i = 0; i < json_object_array_length (arr); i++)
    if (!json_object_is_type (json_object_array_get_idx (arr, i), json_type_object)) {
      vmerr_set (err, VMERR_OPENSTACK, "%s: item %zu of the '%s' list is not an object", what,
                 i, key);
      return NULL;
    }
  return arr;
}

int
osj_size_gib (json_object *o, const char *key, int64_t *out)
{
  json_object *v = osj_get (o, key, json_type_int);
  int64_t n = v ? json_object_get_int64 (v) : -1;

  if (n < 0 || n > OS_MAX_GIB)
    return -1;
  *out = n;
  return 0;
}

const char *
osj_str (json_object *o, const char *key)
{
  json_object *v = osj_get (o, key, json_type_string);
  return v ? json_object_get_string (v) : NULL;
}

char *
osj_dup (json_object *o, const char *key)
{
  return os_strdup (osj_str (o, key));
}

int
osj_to_kv (json_object *o, struct kv *kv)
{
  if (o == NULL || !json_object_is_type (o, json_type_object))
    return 0;
  json_object_object_foreach (o, key, val) {
    const char *s = json_object_is_type (val, json_type_string)
                      ? json_object_get_string (val)
                      : json_object_to_json_string_ext (val, JSON_C_TO_STRING_PLAIN);
    if (s == NULL || kv_set (kv, key, s) == -1)
      return -1;
  }
  return 0;
}

int
osj_add_str (json_object *o, const char *key, const char *value)
{
  json_object *s;

  if (value == NULL)
    return 0;
  s = json_object_new_string (value);
  if (s == NULL || json_object_object_add (o, key, s) != 0) {
    json_object_put (s);
    return -1;
  }
  return 0;
}

json_object *
osj_from_kv (const struct kv *kv)
{
  json_object *o = json_object_new_object ();

  for (size_t i = 0; o && kv && i < kv->n; i++)
    if (osj_add_str (o, kv->items[i].key, kv->items[i].value) == -1) {
      json_object_put (o);
      o = NULL;
    }
  return o;
}

char *
osj_text (json_object *o)
{
  return os_strdup (json_object_to_json_string_ext (o, JSON_C_TO_STRING_PLAIN));
}

char *
os_url_escape (const char *s)
{
  static const char hex[] = "0123456789ABCDEF";
  char *out = malloc (strlen (s) * 3 + 1), *p = out;

  if (out == NULL)
    return NULL;
  for (; *s; s++) {
    unsigned char ch = (unsigned char) *s;
    if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
        ch == '-' || ch == '_' || ch == '.' || ch == '~')
      *p++ = (char) ch;
    else {
      *p++ = '%';
      *p++ = hex[ch >> 4];
      *p++ = hex[ch & 15];
    }
  }
  *p = '\0';
  return out;
}

char *
os_strdup (const char *s)
{
  return s ? strdup (s) : NULL;
}

void
os_free_secret (char *s)
{
  if (s) {
    volatile char *p = s;
    while (*p)
      *p++ = '\0';
  }
  free (s);
}

char *
os_id_path (const char *collection, const char *id)
{
  char *e = os_url_escape (id), *p = NULL;

  if (e && asprintf (&p, "/%s/%s", collection, e) < 0)
    p = NULL;
  free (e);
  return p;
}
