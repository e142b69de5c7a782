/* `vmigrate inspect VM`: a read-only pre-flight check in vSphere. */
#include "commands.h"
#include "connect.h"
#include "vsphere/vm.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *
str_or (const char *s, const char *dflt)
{
  return s ? s : dflt;
}

static json_object *
vm_to_json (const struct vs_vm *vm)
{
  json_object *o = json_object_new_object (), *disks = json_object_new_array ();
  json_object *snaps = json_object_new_array ();

  json_object_object_add (o, "name", json_object_new_string (vm->name));
  json_object_object_add (o, "moref", json_object_new_string (vm->moref));
  json_object_object_add (o, "uuid", json_object_new_string (str_or (vm->uuid, "")));
  json_object_object_add (o, "instance_uuid", json_object_new_string (str_or (vm->instance_uuid, "")));
  json_object_object_add (o, "guest_id", json_object_new_string (str_or (vm->guest_id, "")));
  json_object_object_add (o, "guest_full_name", json_object_new_string (str_or (vm->guest_full_name, "")));
  json_object_object_add (o, "os_family", json_object_new_string (vs_vm_is_windows (vm) ? "windows" : "linux"));
  json_object_object_add (o, "firmware", json_object_new_string (str_or (vm->firmware, "bios")));
  json_object_object_add (o, "power_state", json_object_new_string (vm->power_state));
  json_object_object_add (o, "cbt_enabled", json_object_new_boolean (vm->cbt_enabled));
  for (size_t i = 0; i < vm->ndisks; i++) {
    const struct vs_disk *d = &vm->disks[i];
    json_object *j = json_object_new_object ();
    json_object_object_add (j, "key", json_object_new_int (d->key));
    json_object_object_add (j, "capacity", json_object_new_int64 (d->capacity));
    json_object_object_add (j, "file", json_object_new_string (str_or (d->file, "")));
    json_object_object_add (j, "change_id", d->change_id ? json_object_new_string (d->change_id) : NULL);
    json_object_object_add (j, "disk_mode", json_object_new_string (str_or (d->disk_mode, "")));
    json_object_array_add (disks, j);
  }
  json_object_object_add (o, "disks", disks);
  for (size_t i = 0; i < vm->nsnapshots; i++) {
    json_object *j = json_object_new_object ();
    json_object_object_add (j, "moref", json_object_new_string (str_or (vm->snapshots[i].moref, "")));
    json_object_object_add (j, "name", json_object_new_string (str_or (vm->snapshots[i].name, "")));
    json_object_array_add (snaps, j);
  }
  json_object_object_add (o, "snapshots", snaps);
  return o;
}

static void
print_text (const struct vs_vm *vm)
{
  printf ("VM %s (%s)\n", vm->name, vm->moref);
  printf ("  uuid:          %s (instance %s)\n", str_or (vm->uuid, "?"), str_or (vm->instance_uuid, "?"));
  printf ("  guest:         %s (%s), %s family\n", str_or (vm->guest_full_name, "?"),
          str_or (vm->guest_id, "?"), vs_vm_is_windows (vm) ? "windows" : "linux");
  printf ("  firmware:      %s\n", str_or (vm->firmware, "bios"));
  printf ("  power:         %s\n", vm->power_state);
  printf ("  CBT:           %s\n", vm->cbt_enabled ? "on" : "off (enable with --enable-cbt)");
  printf ("  disks:         %zu\n", vm->ndisks);
  for (size_t i = 0; i < vm->ndisks; i++) {
    const struct vs_disk *d = &vm->disks[i];
    printf ("    %d  %.1f GiB  %s  %s  changeId %s\n", d->key, d->capacity / 1073741824.0,
            str_or (d->file, "?"), str_or (d->disk_mode, "?"), str_or (d->change_id, "none"));
  }
  printf ("  snapshots:     %zu\n", vm->nsnapshots);
  for (size_t i = 0; i < vm->nsnapshots; i++)
    printf ("    %s  %s\n", str_or (vm->snapshots[i].moref, "?"), str_or (vm->snapshots[i].name, "?"));
}

int
cmd_inspect (const struct config *cfg, struct vmerr *err)
{
  struct vs_conn *c = connect_vsphere (cfg, err);
  struct vs_vm vm;
  char *moref = NULL;
  int rc = -1;

  if (c == NULL)
    return -1;
  if (vs_find_vm (c, cfg->vm, &moref, err) == -1 || vs_vm_read (c, moref, &vm, err) == -1)
    goto out;
  if (cfg->json) {
    json_object *j = vm_to_json (&vm);
    puts (json_object_to_json_string_ext (j, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put (j);
  }
  else
    print_text (&vm);
  vs_vm_free (&vm);
  rc = 0;
out:
  free (moref);
  vs_disconnect (c);
  return rc;
}
