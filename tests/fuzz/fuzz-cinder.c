/* Fuzz target: Cinder replies.  A "volume" or "snapshot" object goes
 * through os_volume_parse / os_snapshot_parse (with its attachments and
 * metadata), a "volumes" or "snapshots" listing through os_cinder_page as
 * os_cinder_list pages it, and every body through os_error_text, which
 * reads the error replies of all three services. */
#include "fuzz.h"
#include "cinder-internal.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static void
check_kv (const struct kv *kv)
{
  for (size_t i = 0; i < kv->n; i++)
    if (kv->items[i].key == NULL || kv->items[i].value == NULL)
      abort ();
}

static void
check_volume (const struct os_volume *v)
{
  if (v->id == NULL || v->status == NULL)
    abort ();
  check_kv (&v->metadata);
  check_kv (&v->image_metadata);
}

static int
volume_item (json_object *o, void *opaque, struct vmerr *err)
{
  struct os_volume v;
  int rc = os_volume_parse (o, &v, err);

  if (rc == 0)
    check_volume (&v);
  os_volume_free (&v);
  return rc;
}

static int
snapshot_item (json_object *o, void *opaque, struct vmerr *err)
{
  struct os_snapshot s;
  int rc = os_snapshot_parse (o, &s, err);

  if (rc == 0 && (s.id == NULL || s.volume_id == NULL || s.status == NULL))
    abort ();
  os_snapshot_free (&s);
  return rc;
}

static void
page (json_object *reply, const char *key, os_item_fn fn)
{
  struct vmerr err = { 0 };
  const char *last_id;

  if (os_cinder_page (reply, key, fn, NULL, &last_id, &err) == -1 && err.code == 0)
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  json_object *reply = osj_parse ((const char *) data, size);
  struct vmerr err = { 0 };
  char text[512];

  os_error_text ((const char *) data, size, text, sizeof text);
  if (memchr (text, '\0', sizeof text) == NULL || text[0] == '\0')
    abort ();
  if (reply == NULL)
    return 0;
  if (osj_get (reply, "volume", json_type_object))
    (void) volume_item (osj_get (reply, "volume", json_type_object), NULL, &err);
  if (osj_get (reply, "snapshot", json_type_object))
    (void) snapshot_item (osj_get (reply, "snapshot", json_type_object), NULL, &err);
  page (reply, "volumes", volume_item);
  page (reply, "snapshots", snapshot_item);
  json_object_put (reply);
  return 0;
}
