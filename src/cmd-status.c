/* `vmigrate status VM`: where the migration of each disk stands, read from
 * the volumes' metadata (the only place state is kept). */
#include "commands.h"
#include "connect.h"
#include "volume.h"
#include "vsphere/vm.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *
m (const struct disk_volume *v, const char *key)
{
  const char *s = kv_get (&v->meta, key);
  return s ? s : "";
}

static json_object *
jstr_or_null (const char *s)
{
  return s && *s ? json_object_new_string (s) : NULL;
}

int
cmd_status (const struct config *cfg, struct vmerr *err)
{
  struct vs_conn *c = connect_vsphere (cfg, err);
  struct volume_ctx x = { 0 };
  struct vs_vm vm = { 0 };
  char *moref = NULL;
  json_object *arr = NULL;
  int rc = -1;

  if (c == NULL)
    return -1;
  if (vs_find_vm (c, cfg->vm, &moref, err) == -1 || vs_vm_read (c, moref, &vm, err) == -1 ||
      volume_ctx_open (&x, cfg, err) == -1)
    goto out;
  arr = json_object_new_array ();
  if (!cfg->json)
    printf ("VM %s (%s), power %s\n", vm.name, vm.moref, vm.power_state);
  for (size_t i = 0; i < vm.ndisks; i++) {
    struct disk_volume v = { 0 };
    bool found;
    if (volume_find (&x, &vm, &vm.disks[i], &v, &found, err) == -1)
      goto out;
    json_object *o = json_object_new_object ();
    json_object_object_add (o, "disk_key", json_object_new_int (vm.disks[i].key));
    json_object_object_add (o, "capacity", json_object_new_int64 (vm.disks[i].capacity));
    json_object_object_add (o, "volume_id", found ? json_object_new_string (v.id) : NULL);
    json_object_object_add (o, "changeID", found ? jstr_or_null (m (&v, META_CHANGE_ID)) : NULL);
    json_object_object_add (o, "converted", json_object_new_boolean (found && strcmp (m (&v, META_CONVERTED), "true") == 0));
    json_object_object_add (o, "copy_state", json_object_new_string (found ? (*m (&v, META_COPY_STATE) ? m (&v, META_COPY_STATE) : "unknown") : "not started"));
    json_object_object_add (o, "last_window", found ? jstr_or_null (m (&v, META_LAST_WINDOW)) : NULL);
    json_object_object_add (o, "last_bytes", json_object_new_int64 (found ? strtoll (m (&v, META_LAST_BYTES), NULL, 10) : 0));
    json_object_object_add (o, "windows", json_object_new_int (found ? atoi (m (&v, META_WINDOWS)) : 0));
    json_object_object_add (o, "volume_status", found ? json_object_new_string (v.status) : NULL);
    json_object_array_add (arr, o);
    if (!cfg->json) {
      if (!found)
        printf ("  disk %d: no volume yet (not started)\n", vm.disks[i].key);
      else
        printf ("  disk %d: volume %s (%s), copy %s, converted %s, windows %s, last window %s "
                "(%.1f MiB), changeID %s\n", vm.disks[i].key, v.id, v.status,
                m (&v, META_COPY_STATE), m (&v, META_CONVERTED), *m (&v, META_WINDOWS) ? m (&v, META_WINDOWS) : "0",
                *m (&v, META_LAST_WINDOW) ? m (&v, META_LAST_WINDOW) : "never",
                strtoll (m (&v, META_LAST_BYTES), NULL, 10) / 1048576.0,
                *m (&v, META_CHANGE_ID) ? m (&v, META_CHANGE_ID) : "-");
    }
    disk_volume_free (&v);
  }
  if (cfg->json) {
    json_object *top = json_object_new_object ();
    json_object_object_add (top, "vm", json_object_new_string (vm.name));
    json_object_object_add (top, "power_state", json_object_new_string (vm.power_state));
    json_object_object_add (top, "disks", json_object_get (arr));
    puts (json_object_to_json_string_ext (top, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put (top);
  }
  rc = 0;
out:
  json_object_put (arr);
  volume_ctx_close (&x);
  vs_vm_free (&vm);
  free (moref);
  vs_disconnect (c);
  return rc;
}
