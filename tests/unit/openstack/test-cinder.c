/* Cinder's volume and snapshot descriptions (recorded replies) parsed into
 * structs, and the kv map they use. */
#include "check-text.h"
#include "cinder.h"
#include "util.h"

#include <stdlib.h>

/* GET /v3/{project}/volumes/{id} at microversion 3.0, from a real cloud
 * (ids shortened): in-use, bootable, with metadata and image metadata. */
static const char volume_reply[] =
  "{\"volume\": {\"attachments\": [{\"server_id\": \"f4fda93b-06e0-4743-8117-bc8bcecd651b\", "
  "\"attachment_id\": \"3b8b6631-1cf7-4fd7-9afb-c01e541a073c\", \"attached_at\": "
  "\"2019-06-21T10:20:03.000000\", \"host_name\": null, \"volume_id\": "
  "\"6edbc2f4-1507-44f8-ac0d-eed1d2608d38\", \"device\": \"/dev/vdb\", \"id\": "
  "\"6edbc2f4-1507-44f8-ac0d-eed1d2608d38\"}], \"links\": [{\"href\": \"http://x\", \"rel\": "
  "\"self\"}], \"availability_zone\": \"nova\", \"os-vol-host-attr:host\": "
  "\"compute@lvmdriver-1#lvmdriver-1\", \"encrypted\": true, \"updated_at\": "
  "\"2019-06-21T10:20:03.000000\", \"replication_status\": null, \"snapshot_id\": null, "
  "\"id\": \"6edbc2f4-1507-44f8-ac0d-eed1d2608d38\", \"size\": 40, \"user_id\": \"u\", "
  "\"os-vol-tenant-attr:tenant_id\": \"p\", \"os-vol-mig-status-attr:migstat\": null, "
  "\"metadata\": {\"osm\": \"true\", \"changeID\": \"52 de c0 d9 98 01 2b 8c-93 ec 70 6e 96 "
  "d4 c1 4e/12\", \"vmigrate_disk_key\": \"2000\"}, \"status\": \"in-use\", "
  "\"volume_image_metadata\": {\"hw_machine_type\": \"q35\", \"hw_firmware_type\": \"uefi\"}, "
  "\"description\": null, \"multiattach\": false, \"source_volid\": null, "
  "\"consistencygroup_id\": null, \"os-vol-mig-status-attr:name_id\": null, \"name\": "
  "\"web01-disk-2000\", \"bootable\": \"true\", \"created_at\": \"2019-06-21T10:19:52.000000\", "
  "\"volume_type\": \"luks\"}}";

static json_object *
member (const char *text, const char *key)
{
  json_object *root = osj_parse (text, strlen (text)), *o = NULL;

  if (root && json_object_object_get_ex (root, key, &o))
    json_object_get (o);
  json_object_put (root);
  return o;
}

static void
test_volume (void)
{
  json_object *o = member (volume_reply, "volume");
  struct os_volume v;
  struct vmerr err = { 0 };

  CHECK (os_volume_parse (o, &v, &err) == 0);
  CHECK_STR (v.id, "6edbc2f4-1507-44f8-ac0d-eed1d2608d38");
  CHECK_STR (v.name, "web01-disk-2000");
  CHECK (v.description == NULL);
  CHECK_STR (v.status, "in-use");
  CHECK_STR (v.volume_type, "luks");
  CHECK_STR (v.availability_zone, "nova");
  CHECK (v.size_gib == 40);
  CHECK (v.bootable);
  CHECK (v.encrypted);
  CHECK (v.metadata.n == 3);
  CHECK_STR (kv_get (&v.metadata, "changeID"),
             "52 de c0 d9 98 01 2b 8c-93 ec 70 6e 96 d4 c1 4e/12");
  CHECK_STR (kv_get (&v.metadata, "vmigrate_disk_key"), "2000");
  CHECK_STR (kv_get (&v.image_metadata, "hw_machine_type"), "q35");
  CHECK (v.nattachments == 1);
  CHECK_STR (v.attachments[0].server_id, "f4fda93b-06e0-4743-8117-bc8bcecd651b");
  CHECK_STR (v.attachments[0].device, "/dev/vdb");
  CHECK_STR (v.attachments[0].attachment_id, "3b8b6631-1cf7-4fd7-9afb-c01e541a073c");
  os_volume_free (&v);
  CHECK (v.id == NULL && v.metadata.n == 0);
  json_object_put (o);

  /* A fresh volume: false as a string, no attachments, bool bootable. */
  const char *fresh = "{\"volume\": {\"id\": \"v2\", \"status\": \"creating\", \"size\": 1, "
                      "\"bootable\": false, \"encrypted\": false, \"metadata\": {}, "
                      "\"attachments\": [], \"name\": null}}";
  o = member (fresh, "volume");
  CHECK (os_volume_parse (o, &v, &err) == 0);
  CHECK (!v.bootable && !v.encrypted && v.name == NULL && v.nattachments == 0);
  CHECK (v.metadata.n == 0 && v.image_metadata.n == 0);
  os_volume_free (&v);
  json_object_put (o);

  /* No id, no status: refused. */
  const char *broken = "{\"volume\": {\"id\": \"v3\", \"size\": 1}}";
  o = member (broken, "volume");
  CHECK (os_volume_parse (o, &v, &err) == -1);
  CHECK (err.code == VMERR_OPENSTACK);
  CHECK_CONTAINS (err.msg, "v3");
  os_volume_free (&v);
  json_object_put (o);
  CHECK (os_volume_parse (NULL, &v, &err) == -1);
  os_volume_free (&v);
}

static void
test_snapshot (void)
{
  const char *reply =
    "{\"snapshot\": {\"status\": \"available\", \"size\": 40, \"metadata\": {\"vmigrate\": "
    "\"pre-conversion\"}, \"name\": \"vmigrate-web01\", \"volume_id\": \"6edbc2f4\", "
    "\"created_at\": \"2019-06-21T10:25:00.000000\", \"description\": null, \"id\": \"s1\", "
    "\"updated_at\": null, \"os-extended-snapshot-attributes:progress\": \"100%\"}}";
  json_object *o = member (reply, "snapshot");
  struct os_snapshot s;
  struct vmerr err = { 0 };

  CHECK (os_snapshot_parse (o, &s, &err) == 0);
  CHECK_STR (s.id, "s1");
  CHECK_STR (s.volume_id, "6edbc2f4");
  CHECK_STR (s.status, "available");
  CHECK_STR (s.name, "vmigrate-web01");
  CHECK_STR (s.created_at, "2019-06-21T10:25:00.000000");
  CHECK (s.size_gib == 40);
  CHECK_STR (kv_get (&s.metadata, "vmigrate"), "pre-conversion");
  os_snapshot_free (&s);
  json_object_put (o);
}

static void
test_kv (void)
{
  struct kv kv = { 0 };
  json_object *o;

  for (int i = 0; i < 20; i++) {
    char k[16];
    snprintf (k, sizeof k, "k%d", i);
    CHECK (kv_set (&kv, k, "v") == 0);
  }
  CHECK (kv.n == 20);
  CHECK (kv_set (&kv, "k3", "replaced") == 0);
  CHECK (kv.n == 20);
  CHECK_STR (kv_get (&kv, "k3"), "replaced");
  CHECK (kv_del (&kv, "k0"));
  CHECK (!kv_del (&kv, "k0"));
  CHECK (kv.n == 19);
  CHECK_STR (kv.items[0].key, "k1"); /* order kept */
  CHECK (kv_get (&kv, "nope") == NULL);
  o = osj_from_kv (&kv);
  CHECK_CONTAINS (json_object_to_json_string_ext (o, JSON_C_TO_STRING_PLAIN),
                  "\"k3\":\"replaced\"");
  json_object_put (o);
  kv_free (&kv);
  CHECK (kv.n == 0 && kv.items == NULL);
  kv_free (&kv); /* twice is fine */
}

/* Volume descriptions a hostile or broken server sends: refused with
 * VMERR_OPENSTACK and a message naming the field, never a crash. */
static void
test_hostile_volume (void)
{
  static const struct {
    const char *json;     /* one "volume" object */
    const char *message;  /* part of the error */
  } cases[] = {
    { "{\"id\": \"v\", \"status\": \"in-use\", \"size\": 1, \"attachments\": "
      "[{\"attachment_id\": \"a1\", \"device\": \"/dev/vdb\"}]}", "without server_id" },
    { "{\"id\": \"v\", \"status\": \"in-use\", \"size\": 1, \"attachments\": [7]}",
      "not an object" },
    { "{\"id\": \"v\", \"status\": \"in-use\", \"size\": 1, \"attachments\": 7}",
      "no 'attachments' list" },
    { "{\"id\": \"v\", \"status\": \"available\", \"size\": 1099511627776}", "usable size" },
    { "{\"id\": \"v\", \"status\": \"available\", \"size\": -1}", "usable size" },
    { "{\"id\": \"v\", \"status\": \"available\", \"size\": \"1\"}", "usable size" },
    { "{\"id\": \"v\", \"status\": \"available\"}", "usable size" },
  };

  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    json_object *o = osj_parse (cases[i].json, strlen (cases[i].json));
    struct os_volume v;
    struct vmerr err = { 0 };
    CHECK (o != NULL);
    CHECK (os_volume_parse (o, &v, &err) == -1);
    CHECK (err.code == VMERR_OPENSTACK);
    CHECK_CONTAINS (err.msg, cases[i].message);
    os_volume_free (&v);
    json_object_put (o);
  }
  /* The largest size whose bytes fit in 64 bits is still a size. */
  static const char biggest[] = "{\"id\": \"v\", \"status\": \"available\", "
                                "\"size\": 8589934591, \"attachments\": null}";
  json_object *o = osj_parse (biggest, strlen (biggest));
  struct os_volume v;
  struct vmerr err = { 0 };
  CHECK (o != NULL && os_volume_parse (o, &v, &err) == 0);
  CHECK (v.size_gib == 8589934591LL && v.nattachments == 0);
  os_volume_free (&v);
  json_object_put (o);
}

/* A listing is a list of objects or an error; never "empty" by default. */
static void
test_list_replies (void)
{
  static const struct {
    const char *json;     /* the reply, NULL: an empty body */
    const char *message;  /* part of the error, NULL: accepted */
  } cases[] = {
    { NULL, "empty reply" },
    { "{}", "no 'volumes' list" },
    { "{\"volumes\": 5}", "no 'volumes' list" },
    { "{\"volumes\": {\"id\": \"x\"}}", "no 'volumes' list" },
    { "{\"volumes\": [{\"id\": \"x\"}, 1]}", "item 1 of the 'volumes' list is not an object" },
    { "[]", "no 'volumes' list" },
    { "{\"volumes\": []}", NULL },
    { "{\"volumes\": [{\"id\": \"x\"}]}", NULL },
  };

  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    json_object *reply = cases[i].json ? osj_parse (cases[i].json, strlen (cases[i].json)) : NULL;
    struct vmerr err = { 0 };
    json_object *arr = osj_list (reply, "volumes", "Cinder GET /volumes/detail", &err);
    if (cases[i].message) {
      CHECK (arr == NULL && err.code == VMERR_OPENSTACK);
      CHECK_CONTAINS (err.msg, cases[i].message);
      CHECK_CONTAINS (err.msg, "Cinder GET /volumes/detail");
    }
    else
      CHECK (arr != NULL && err.code == VMERR_OK);
    json_object_put (reply);
  }
}

int
main (void)
{
  test_volume ();
  test_hostile_volume ();
  test_list_replies ();
  test_snapshot ();
  test_kv ();
  CHECK_DONE ();
}
