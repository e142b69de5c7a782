/* Text and JSON reports of inspect, status and migration runs. */
#include "report.h"

#include <inttypes.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

static const char *
str_or (const char *s, const char *dflt)
{
  return s ? s : dflt;
}

static json_object *
jstr_or_null (const char *s)
{
  return s && *s ? json_object_new_string (s) : NULL;
}

/* One JSON document on stdout (PRETTY for people reading inspect/status). */
static void
print_json (json_object *o, bool pretty)
{
  puts (json_object_to_json_string_ext (o, (pretty ? JSON_C_TO_STRING_PRETTY
                                                   : JSON_C_TO_STRING_PLAIN)
                                               | JSON_C_TO_STRING_NOSLASHESCAPE));
  fflush (stdout);
}

/* inspect */

static json_object *
nics_to_json (const struct vs_vm *vm)
{
  json_object *a = json_object_new_array ();

  for (size_t i = 0; i < vm->nnics; i++) {
    const struct vs_nic *n = &vm->nics[i];
    json_object *j = json_object_new_object (), *ips = json_object_new_array ();
    json_object_object_add (j, "key", json_object_new_int (n->key));
    json_object_object_add (j, "type", jstr_or_null (n->device_type));
    json_object_object_add (j, "mac", json_object_new_string (n->mac));
    json_object_object_add (j, "network", jstr_or_null (n->network));
    json_object_object_add (j, "portgroup_key", jstr_or_null (n->portgroup_key));
    json_object_object_add (j, "connected", json_object_new_boolean (n->connected));
    for (size_t k = 0; k < n->nips; k++)
      json_object_array_add (ips, json_object_new_string (n->ips[k]));
    json_object_object_add (j, "ip_addresses", ips);
    json_object_array_add (a, j);
  }
  return a;
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
  json_object_object_add (o, "secure_boot", json_object_new_boolean (vm->secure_boot));
  json_object_object_add (o, "cpus", vm->cpus ? json_object_new_int (vm->cpus) : NULL);
  json_object_object_add (o, "memory_mb", vm->memory_mb ? json_object_new_int64 (vm->memory_mb) : NULL);
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
  json_object_object_add (o, "nics", nics_to_json (vm));
  return o;
}

static void
vm_text (FILE *f, const struct vs_vm *vm)
{
  fprintf (f, "VM %s (%s)\n", vm->name, vm->moref);
  fprintf (f, "  uuid:          %s (instance %s)\n", str_or (vm->uuid, "?"), str_or (vm->instance_uuid, "?"));
  fprintf (f, "  guest:         %s (%s), %s family\n", str_or (vm->guest_full_name, "?"),
           str_or (vm->guest_id, "?"), vs_vm_is_windows (vm) ? "windows" : "linux");
  fprintf (f, "  firmware:      %s%s\n", str_or (vm->firmware, "bios"),
           vm->secure_boot ? ", secure boot on" : "");
  if (vm->cpus && vm->memory_mb)
    fprintf (f, "  hardware:      %d vCPU%s, %" PRId64 " MiB memory\n", vm->cpus,
             vm->cpus == 1 ? "" : "s", vm->memory_mb);
  fprintf (f, "  power:         %s\n", vm->power_state);
  fprintf (f, "  CBT:           %s\n", vm->cbt_enabled ? "on" : "off (enable with --enable-cbt)");
  fprintf (f, "  disks:         %zu\n", vm->ndisks);
  for (size_t i = 0; i < vm->ndisks; i++) {
    const struct vs_disk *d = &vm->disks[i];
    fprintf (f, "    %d  %.1f GiB  %s  %s  changeId %s\n", d->key, d->capacity / 1073741824.0,
             str_or (d->file, "?"), str_or (d->disk_mode, "?"), str_or (d->change_id, "none"));
  }
  fprintf (f, "  NICs:          %zu\n", vm->nnics);
  for (size_t i = 0; i < vm->nnics; i++) {
    const struct vs_nic *n = &vm->nics[i];
    fprintf (f, "    %d  %s  %s", n->key, n->mac, str_or (n->network, "(network not named by vSphere)"));
    if (n->portgroup_key)
      fprintf (f, " (distributed portgroup %s)", n->portgroup_key);
    fprintf (f, "  %s", n->connected ? "connected" : "not connected");
    for (size_t k = 0; k < n->nips; k++)
      fprintf (f, "%s%s", k ? ", " : "  ", n->ips[k]);
    fputc ('\n', f);
  }
  fprintf (f, "  snapshots:     %zu\n", vm->nsnapshots);
  for (size_t i = 0; i < vm->nsnapshots; i++)
    fprintf (f, "    %s  %s\n", str_or (vm->snapshots[i].moref, "?"), str_or (vm->snapshots[i].name, "?"));
}

static void
report_vm (void *opaque, const struct vs_vm *vm, const char *virtio_win, const char *problem)
{
  struct report *r = opaque;
  bool win = vs_vm_is_windows (vm);

  if (r->json) {
    json_object *j = vm_to_json (vm);
    if (win) {
      json_object_object_add (j, "virtio_win", jstr_or_null (virtio_win));
      json_object_object_add (j, "virtio_win_problem", jstr_or_null (problem));
    }
    print_json (j, true);
    json_object_put (j);
    return;
  }
  vm_text (r->text, vm);
  if (win)
    fprintf (r->text, "  virtio-win:    %s\n", virtio_win ? virtio_win : problem ? problem : "?");
}

/* status */

/* Metadata value KEY of a found disk's volume, "" when absent. */
static const char *
meta (const struct status_disk *d, const char *key)
{
  const char *s = d->found ? kv_get (&d->vol.meta, key) : NULL;
  return s ? s : "";
}

static json_object *
status_disk_json (const struct status_disk *d)
{
  json_object *o = json_object_new_object ();
  const char *state = meta (d, META_COPY_STATE);

  json_object_object_add (o, "disk_key", json_object_new_int (d->disk->key));
  json_object_object_add (o, "capacity", json_object_new_int64 (d->disk->capacity));
  json_object_object_add (o, "volume_id", d->found ? json_object_new_string (d->vol.id) : NULL);
  json_object_object_add (o, "changeID", jstr_or_null (meta (d, META_CHANGE_ID)));
  json_object_object_add (o, "converted", json_object_new_boolean (strcmp (meta (d, META_CONVERTED), "true") == 0));
  json_object_object_add (o, "copy_state", json_object_new_string (!d->found ? "not started" : *state ? state : "unknown"));
  json_object_object_add (o, "last_window", jstr_or_null (meta (d, META_LAST_WINDOW)));
  json_object_object_add (o, "last_bytes", json_object_new_int64 (strtoll (meta (d, META_LAST_BYTES), NULL, 10)));
  json_object_object_add (o, "windows", json_object_new_int (atoi (meta (d, META_WINDOWS))));
  json_object_object_add (o, "volume_status", d->found ? json_object_new_string (d->vol.status) : NULL);
  return o;
}

static void
status_disk_text (FILE *f, const struct status_disk *d)
{
  if (!d->found) {
    fprintf (f, "  disk %d: no volume yet (not started)\n", d->disk->key);
    return;
  }
  fprintf (f, "  disk %d: volume %s (%s), copy %s, converted %s, windows %s, last window %s "
           "(%.1f MiB), changeID %s\n", d->disk->key, d->vol.id, d->vol.status,
           meta (d, META_COPY_STATE), meta (d, META_CONVERTED),
           *meta (d, META_WINDOWS) ? meta (d, META_WINDOWS) : "0",
           *meta (d, META_LAST_WINDOW) ? meta (d, META_LAST_WINDOW) : "never",
           strtoll (meta (d, META_LAST_BYTES), NULL, 10) / 1048576.0,
           *meta (d, META_CHANGE_ID) ? meta (d, META_CHANGE_ID) : "-");
}

static void
report_status (void *opaque, const struct status_report *s)
{
  struct report *r = opaque;

  if (!r->json) {
    fprintf (r->text, "VM %s (%s), power %s\n", s->vm->name, s->vm->moref, s->vm->power_state);
    for (size_t i = 0; i < s->ndisks; i++)
      status_disk_text (r->text, &s->disks[i]);
    return;
  }
  json_object *top = json_object_new_object (), *disks = json_object_new_array ();
  for (size_t i = 0; i < s->ndisks; i++)
    json_object_array_add (disks, status_disk_json (&s->disks[i]));
  json_object_object_add (top, "vm", json_object_new_string (s->vm->name));
  json_object_object_add (top, "power_state", json_object_new_string (s->vm->power_state));
  json_object_object_add (top, "disks", disks);
  print_json (top, true);
  json_object_put (top);
}

/* sync / cutover / migrate */

static void
report_window (void *opaque, const struct migrate_result *res, const struct window_result_report *w)
{
  struct report *r = opaque;

  fprintf (r->text, "%s window: %.1f MiB copied in %.1f s\n", w->kind, w->bytes / 1048576.0,
           w->seconds);
  for (size_t i = 0; i < w->disks.n; i++) {
    const struct window_disk_result *d = &w->disks.v[i];
    char verified[48] = "";
    if (d->verify_seconds >= 0)
      snprintf (verified, sizeof verified, ", verified in %.1f s", d->verify_seconds);
    fprintf (r->text, "  disk %d -> volume %s: %s, %.1f MiB%s, changeID %s\n", d->disk_key,
             d->volume_id, d->full ? "full" : "delta", d->bytes / 1048576.0, verified,
             d->change_id ? d->change_id : "-");
  }
  fflush (r->text);
}

static json_object *
window_json (const struct window_result_report *w)
{
  json_object *jw = json_object_new_object (), *jd = json_object_new_array ();

  json_object_object_add (jw, "kind", json_object_new_string (w->kind));
  json_object_object_add (jw, "bytes", json_object_new_int64 (w->bytes));
  json_object_object_add (jw, "seconds", json_object_new_double (w->seconds));
  for (size_t i = 0; i < w->disks.n; i++) {
    const struct window_disk_result *d = &w->disks.v[i];
    json_object *o = json_object_new_object ();
    json_object_object_add (o, "disk_key", json_object_new_int (d->disk_key));
    json_object_object_add (o, "volume_id", json_object_new_string (d->volume_id));
    json_object_object_add (o, "mode", json_object_new_string (d->full ? "full" : "delta"));
    json_object_object_add (o, "bytes", json_object_new_int64 (d->bytes));
    json_object_object_add (o, "seconds", json_object_new_double (d->seconds));
    json_object_object_add (o, "verify_seconds", d->verify_seconds >= 0
                            ? json_object_new_double (d->verify_seconds) : NULL);
    json_object_object_add (o, "connections", json_object_new_int ((int) d->connections));
    json_object_object_add (o, "changeID", d->change_id ? json_object_new_string (d->change_id) : NULL);
    json_object_array_add (jd, o);
  }
  json_object_object_add (jw, "disks", jd);
  return jw;
}

static json_object *
migrate_json (const struct migrate_result *res, int rc, const struct vmerr *err)
{
  json_object *o = json_object_new_object (), *windows = json_object_new_array ();
  json_object *vols = json_object_new_array ();

  json_object_object_add (o, "vm", json_object_new_string (res->vm ? res->vm : ""));
  json_object_object_add (o, "command", json_object_new_string (res->command ? res->command : ""));
  json_object_object_add (o, "cbt_sync", json_object_new_boolean (res->cbt_sync));
  json_object_object_add (o, "cutover", json_object_new_boolean (res->cutover));
  json_object_object_add (o, "already_converted", json_object_new_boolean (res->already_converted));
  json_object_object_add (o, "converted", json_object_new_boolean (res->converted));
  for (size_t i = 0; i < res->windows.n; i++)
    json_object_array_add (windows, window_json (&res->windows.v[i]));
  json_object_object_add (o, "windows", windows);
  if (res->stopped)
    json_object_object_add (o, "downtime_seconds", json_object_new_double (res->downtime_s));
  for (size_t i = 0; i < res->volumes.n; i++)
    json_object_array_add (vols, json_object_new_string (res->volumes.v[i]));
  json_object_object_add (o, "volumes", vols);
  json_object_object_add (o, "ok", json_object_new_boolean (rc == 0));
  json_object_object_add (o, "error", rc == 0 ? NULL : json_object_new_string (err->msg));
  json_object_object_add (o, "exit_code", json_object_new_int (rc == 0 ? 0 : err->code));
  return o;
}

static void
report_migrate (void *opaque, const struct migrate_result *res, int rc, const struct vmerr *err)
{
  struct report *r = opaque;

  if (rc == 0 && res->already_converted)
    fprintf (r->text, "Volume already converted: VM '%s' was migrated; nothing to do\n",
             res->vm_name);
  else if (rc == 0 && res->converted) {
    if (res->stopped)
      fprintf (r->text, "downtime: %.1f s (guest stop %.1f s, final window %.1f s, conversion "
               "%.1f s)\n", res->downtime_s, res->stop_s, res->final_s, res->convert_s);
    fprintf (r->text, "VM '%s' converted: volumes", res->vm_name);
    for (size_t i = 0; i < res->volumes.n; i++)
      fprintf (r->text, " %s", res->volumes.v[i]);
    fprintf (r->text, "\n");
  }
  fflush (r->text);
  if (r->json) {
    json_object *o = migrate_json (res, rc, err);
    print_json (o, false);
    json_object_put (o);
  }
}

/* instance */

static void
report_instance (void *opaque, const struct vs_vm *vm, const struct instance_result *res)
{
  struct report *r = opaque;

  if (r->json) {
    json_object *o = json_object_new_object (), *ports = json_object_new_array ();
    json_object_object_add (o, "ok", json_object_new_boolean (true));
    json_object_object_add (o, "vm", json_object_new_string (vm->name));
    json_object_object_add (o, "server_id", json_object_new_string (res->server_id));
    json_object_object_add (o, "server_name", json_object_new_string (res->server_name));
    json_object_object_add (o, "status", json_object_new_string (str_or (res->status, "")));
    json_object_object_add (o, "addresses", json_object_new_string (str_or (res->addresses, "")));
    json_object_object_add (o, "flavor", jstr_or_null (res->flavor));
    json_object_object_add (o, "found_again", json_object_new_boolean (res->found_again));
    for (size_t i = 0; i < res->nports; i++) {
      json_object *p = json_object_new_object ();
      json_object_object_add (p, "id", json_object_new_string (res->ports[i].id));
      json_object_object_add (p, "name", json_object_new_string (res->ports[i].name));
      json_object_object_add (p, "mac", jstr_or_null (res->ports[i].mac));
      json_object_object_add (p, "created", json_object_new_boolean (res->ports[i].created));
      json_object_array_add (ports, p);
    }
    json_object_object_add (o, "ports", ports);
    json_object_object_add (o, "exit_code", json_object_new_int (0));
    print_json (o, true);
    json_object_put (o);
    return;
  }
  fprintf (r->text, "server %s (%s) %s%s\n", res->server_name, res->server_id,
           str_or (res->status, "?"), res->found_again ? ", found again" : "");
  if (res->flavor)
    fprintf (r->text, "  flavor:    %s\n", res->flavor);
  fprintf (r->text, "  addresses: %s\n", *str_or (res->addresses, "") ? res->addresses : "none");
  for (size_t i = 0; i < res->nports; i++)
    fprintf (r->text, "  port %s (%s) MAC %s%s\n", res->ports[i].name, res->ports[i].id,
             str_or (res->ports[i].mac, "?"), res->ports[i].created ? "" : ", found again");
}

void
report_init (struct report *r, struct report_ops *ops, const struct config *cfg)
{
  r->json = cfg->json;
  r->text = cfg->json ? stderr : stdout;
  *ops = (struct report_ops) {
    .opaque = r, .vm = report_vm, .status = report_status, .window = report_window,
    .migrate = report_migrate, .instance = report_instance,
  };
}

void
report_failure (const struct report *r, const struct vmerr *err)
{
  if (!r->json)
    return;
  json_object *o = json_object_new_object ();
  json_object_object_add (o, "ok", json_object_new_boolean (false));
  json_object_object_add (o, "error", json_object_new_string (err->msg));
  json_object_object_add (o, "exit_code", json_object_new_int (err->code));
  print_json (o, false);
  json_object_put (o);
}
