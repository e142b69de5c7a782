/* Finding a VM and reading its configuration, disks and snapshots. */
#include "vm.h"
#include "vector.h"
#include "props.h"
#include "xml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int
find_by_path (struct vs_conn *c, const char *path, char **moref, struct vmerr *err)
{
  char *esc, *args = NULL;
  xmlDoc *doc;
  xmlNode *ret;
  int rc;

  while (*path == '/')
    path++;
  esc = xml_escape (path);
  if (esc == NULL || asprintf (&args, "<inventoryPath>%s</inventoryPath>", esc) < 0)
    args = NULL;
  free (esc);
  if (args == NULL)
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  rc = vs_call (c, "FindByInventoryPath", "SearchIndex", c->search_index, args, &doc, &ret,
                NULL, err);
  free (args);
  if (rc == -1)
    return -1;
  *moref = NULL;
  if (ret) {
    xmlChar *type = xmlGetProp (ret, (const xmlChar *) "type");
    if (type && strcmp ((const char *) type, "VirtualMachine") == 0)
      *moref = xml_text (ret);
    xmlFree (type);
  }
  xmlFreeDoc (doc);
  if (*moref == NULL)
    return vmerr_set (err, VMERR_VSPHERE, "no virtual machine at inventory path '/%s' (the "
                      "form is /DATACENTER/vm/[FOLDER/]NAME; or give a unique VM name)", path);
  return 0;
}

/* One RetrievePropertiesEx page of the view asks for at most this many
 * VMs; a vCenter holds at most 45,000 registered VMs (vSphere 8
 * configuration maximums): more pages than MAX_VIEW_VMS needs means the
 * server's paging never ends. */
enum { VIEW_PAGE_VMS = 500, MAX_VIEW_VMS = 50000, MAX_VIEW_PAGES = MAX_VIEW_VMS / VIEW_PAGE_VMS + 1 };

/* Count the VMs named NAME of one page; *MOREF is the last one seen. */
static void
match_page (xmlNode *ret, const char *name, int *matches, char **moref)
{
  for (xmlNode *o = xml_child (ret, "objects"); o; o = xml_next_same (o)) {
    xmlNode *ps = xml_child (o, "propSet");
    char *n = ps ? xml_child_text (ps, "val") : NULL;
    if (n && strcmp (n, name) == 0) {
      (*matches)++;
      free (*moref);
      *moref = xml_child_text (o, "obj");
    }
    free (n);
  }
}

/* Best effort: the server may free a paging it would otherwise keep. */
static void
cancel_paging (struct vs_conn *c, const char *token_args)
{
  xmlDoc *doc;
  xmlNode *ret;
  struct vmerr ignore;

  if (vs_call (c, "CancelRetrievePropertiesEx", "PropertyCollector", c->property_collector,
               token_args, &doc, &ret, NULL, &ignore) == 0)
    xmlFreeDoc (doc);
}

/* Page through the names of the VMs of container view VIEW. */
static int
match_view (struct vs_conn *c, const char *view, const char *name, int *matches, char **moref,
            struct vmerr *err)
{
  char *args = NULL;
  const char *method = "RetrievePropertiesEx";
  int rc = -1;

  if (asprintf (&args,
                "<specSet><propSet><type>VirtualMachine</type><pathSet>name</pathSet></propSet>"
                "<objectSet><obj type=\"ContainerView\">%s</obj><skip>true</skip>"
                "<selectSet xsi:type=\"TraversalSpec\"><name>v</name><type>ContainerView</type>"
                "<path>view</path><skip>false</skip></selectSet></objectSet></specSet>"
                "<options><maxObjects>%d</maxObjects></options>", view, VIEW_PAGE_VMS) < 0)
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  for (int page = 0;; page++) {
    xmlDoc *doc;
    xmlNode *ret;
    if (vs_call (c, method, "PropertyCollector", c->property_collector, args, &doc, &ret, NULL,
                 err) == -1)
      break;
    match_page (ret, name, matches, moref);
    bool empty = xml_child (ret, "objects") == NULL;
    char *token = xml_child_text (ret, "token");
    xmlFreeDoc (doc);
    free (args);
    args = NULL;
    if (token == NULL) {
      rc = 0;
      break;
    }
    if (asprintf (&args, "<token>%s</token>", token) < 0) {
      args = NULL;
      free (token);
      vmerr_set (err, VMERR_FAILED, "out of memory");
      break;
    }
    free (token);
    if (empty || page + 1 >= MAX_VIEW_PAGES) {
      cancel_paging (c, args);
      vmerr_set (err, VMERR_VSPHERE, "listing the VMs: vSphere's %s paging does not end (%s "
                 "after %d pages of up to %d VMs, more than a vCenter holds); refusing to "
                 "page on", method, empty ? "an empty page with a token" : "still a token",
                 page + 1, VIEW_PAGE_VMS);
      break;
    }
    method = "ContinueRetrievePropertiesEx";
  }
  free (args);
  return rc;
}

/* All VMs named NAME, through a container view over the inventory. */
static int
find_by_name (struct vs_conn *c, const char *name, char **moref, struct vmerr *err)
{
  char *args = NULL, *view;
  xmlDoc *doc = NULL;
  xmlNode *ret;
  int matches = 0, rc;

  *moref = NULL;
  if (asprintf (&args, "<container type=\"Folder\">%s</container><type>VirtualMachine</type>"
                "<recursive>true</recursive>", c->root_folder) < 0)
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  rc = vs_call (c, "CreateContainerView", "ViewManager", c->view_manager, args, &doc, &ret,
                NULL, err);
  free (args);
  if (rc == -1)
    return -1;
  view = xml_text (ret);
  xmlFreeDoc (doc);
  if (view == NULL || *view == '\0') {
    free (view);
    return vmerr_set (err, VMERR_VSPHERE, "vSphere CreateContainerView returned no view (is "
                      "this a vCenter or ESXi SDK endpoint?)");
  }
  rc = match_view (c, view, name, &matches, moref, err);
  if (rc == 0 && matches == 0)
    rc = vmerr_set (err, VMERR_VSPHERE, "no virtual machine named '%s' (check the name, or "
                    "give its inventory path /DATACENTER/vm/[FOLDER/]NAME)", name);
  else if (rc == 0 && matches > 1)
    rc = vmerr_set (err, VMERR_VSPHERE, "%d virtual machines are named '%s': give the "
                    "inventory path (/DATACENTER/vm/[FOLDER/]NAME) instead", matches, name);
  xmlDoc *d2;
  xmlNode *r2;
  struct vmerr ignore;
  if (vs_call (c, "DestroyView", "ContainerView", view, NULL, &d2, &r2, NULL, &ignore) == 0)
    xmlFreeDoc (d2);
  free (view);
  if (rc == -1) {
    free (*moref);
    *moref = NULL;
  }
  return rc;
}

int
vs_find_vm (struct vs_conn *c, const char *what, char **moref, struct vmerr *err)
{
  if (strchr (what, '/'))
    return find_by_path (c, what, moref, err);
  return find_by_name (c, what, moref, err);
}

/* Capacity in bytes of a VirtualDisk element, 0 when it has none that
 * vmigrate can trust (absent, <= 0, over VS_MAX_DISK_BYTES). */
static int64_t
disk_capacity (xmlNode *dev)
{
  int64_t v;

  if (xml_child_int64 (dev, "capacityInBytes", &v) && v > 0)
    return v <= VS_MAX_DISK_BYTES ? v : 0;
  /* Older hosts send only capacityInKB; compared before multiplying. */
  if (xml_child_int64 (dev, "capacityInKB", &v) && v > 0 && v <= VS_MAX_DISK_BYTES / 1024)
    return v * 1024;
  return 0;
}

static void
parse_disk (xmlNode *dev, struct vs_disk *d)
{
  xmlNode *backing = xml_child (dev, "backing");
  xmlNode *info = xml_child (dev, "deviceInfo");
  int64_t v = 0;

  if (xml_child_int64 (dev, "key", &v))
    d->key = (int) v;
  d->capacity = disk_capacity (dev);
  d->file = xml_child_text (backing, "fileName");
  d->change_id = xml_child_text (backing, "changeId");
  d->disk_mode = xml_child_text (backing, "diskMode");
  d->backing_type = backing ? xml_xsi_type (backing) : NULL;
  d->label = xml_child_text (info, "label");
  if (d->change_id && *d->change_id == '\0') {
    free (d->change_id);
    d->change_id = NULL;
  }
}

/* VirtualDisk entries of an ArrayOfVirtualDevice <val>. */
static int
parse_disks (xmlNode *val, struct vs_disk **disks, size_t *n, struct vmerr *err)
{
  size_t cap = 0;

  *disks = NULL;
  *n = 0;
  for (xmlNode *d = val ? val->children : NULL; d; d = d->next)
    cap += d->type == XML_ELEMENT_NODE;
  *disks = calloc (cap + 1, sizeof **disks);
  if (*disks == NULL)
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  for (xmlNode *d = val ? val->children : NULL; d; d = d->next) {
    if (d->type != XML_ELEMENT_NODE)
      continue;
    char *t = xml_xsi_type (d);
    if (t && strcmp (t, "VirtualDisk") == 0)
      parse_disk (d, &(*disks)[(*n)++]);
    free (t);
  }
  for (size_t i = 0; i < *n; i++)
    if ((*disks)[i].capacity == 0)
      return vmerr_set (err, VMERR_VSPHERE, "disk %d (%s): vSphere gave no usable capacity "
                        "(capacityInBytes/capacityInKB absent, not positive or over 1 PiB)",
                        (*disks)[i].key, (*disks)[i].file ? (*disks)[i].file : "?");
  return 0;
}

/* A positive integer property no larger than MAX, else 0 (absent, junk or
 * out of range: "not reported"). */
static int64_t
prop_int (const struct vs_props *p, const char *name, int64_t max)
{
  char *text = vs_prop_text (p, name), *end = NULL;
  long long v = text ? strtoll (text, &end, 10) : 0;
  bool ok = text && end != text && *end == '\0' && v > 0 && v <= max;

  free (text);
  return ok ? v : 0;
}

/* Flatten a snapshot tree (rootSnapshotList / childSnapshotList). */
static int
collect_snapshots (xmlNode *first, struct vs_vm *vm)
{
  for (xmlNode *t = first; t; t = xml_next_same (t)) {
    if (vector_grow (&vm->snapshots, &vm->snapshots_cap, vm->nsnapshots + 1,
                     sizeof *vm->snapshots) == -1)
      return -1;
    struct vs_snapshot_ref *p = vm->snapshots;
    p[vm->nsnapshots].moref = xml_child_text (t, "snapshot");
    p[vm->nsnapshots].name = xml_child_text (t, "name");
    vm->nsnapshots++;
    if (collect_snapshots (xml_child (t, "childSnapshotList"), vm) == -1)
      return -1;
  }
  return 0;
}

int
vs_vm_read (struct vs_conn *c, const char *moref, struct vs_vm *vm, struct vmerr *err)
{
  static const char *const paths[] = {
    "name", "config.uuid", "config.instanceUuid", "config.guestId", "config.guestFullName",
    "config.firmware", "config.changeTrackingEnabled", "config.hardware.device",
    "config.hardware.numCPU", "config.hardware.memoryMB",
    "config.bootOptions.efiSecureBootEnabled", "runtime.powerState",
    "guest.toolsRunningStatus", "guest.net", "network", "snapshot", NULL,
  };
  struct vs_props p;
  int rc;

  memset (vm, 0, sizeof *vm);
  if (vs_get_props (c, "VirtualMachine", moref, paths, &p, err) == -1)
    return -1;
  rc = vs_vm_from_props (&p, moref, vm, err);
  if (rc == 0 && (rc = vs_nics_resolve (c, vs_prop (&p, "network"), vm->nics, vm->nnics,
                                        err)) == -1)
    vs_vm_free (vm);
  vs_props_free (&p);
  return rc;
}

int
vs_vm_from_props (const struct vs_props *p, const char *moref, struct vs_vm *vm,
                  struct vmerr *err)
{
  char *cbt;

  memset (vm, 0, sizeof *vm);
  vm->moref = strdup (moref);
  vm->name = vs_prop_text (p, "name");
  vm->uuid = vs_prop_text (p, "config.uuid");
  vm->instance_uuid = vs_prop_text (p, "config.instanceUuid");
  vm->guest_id = vs_prop_text (p, "config.guestId");
  vm->guest_full_name = vs_prop_text (p, "config.guestFullName");
  vm->firmware = vs_prop_text (p, "config.firmware");
  vm->power_state = vs_prop_text (p, "runtime.powerState");
  vm->tools_status = vs_prop_text (p, "guest.toolsRunningStatus");
  cbt = vs_prop_text (p, "config.changeTrackingEnabled");
  vm->cbt_enabled = cbt && strcmp (cbt, "true") == 0;
  free (cbt);
  cbt = vs_prop_text (p, "config.bootOptions.efiSecureBootEnabled");
  vm->secure_boot = cbt && strcmp (cbt, "true") == 0;
  free (cbt);
  vm->cpus = (int) prop_int (p, "config.hardware.numCPU", 4096);
  vm->memory_mb = prop_int (p, "config.hardware.memoryMB", (int64_t) 1 << 40);
  if (parse_disks (vs_prop (p, "config.hardware.device"), &vm->disks, &vm->ndisks, err) == -1 ||
      vs_nics_parse (vs_prop (p, "config.hardware.device"), vs_prop (p, "guest.net"),
                     &vm->nics, &vm->nnics) == -1 ||
      collect_snapshots (xml_child (vs_prop (p, "snapshot"), "rootSnapshotList"), vm) == -1) {
    vs_vm_free (vm);
    return err->code ? -1 : vmerr_set (err, VMERR_FAILED, "out of memory");
  }
  if (vm->name == NULL || vm->power_state == NULL) {
    vs_vm_free (vm);
    return vmerr_set (err, VMERR_VSPHERE, "VM %s: vSphere returned no name or power state "
                      "(does the user have read access to it?)", moref);
  }
  /* The volumes are found by it: without it a run could not find them. */
  if (vm->instance_uuid == NULL || *vm->instance_uuid == '\0') {
    vmerr_set (err, VMERR_VSPHERE, "VM %s (%s): vSphere returned no instanceUuid "
               "(config.instanceUuid), which vmigrate keys the VM's volumes by", moref, vm->name);
    vs_vm_free (vm);
    return -1;
  }
  return 0;
}

int
vs_snapshot_disks (struct vs_conn *c, const char *snap_moref, struct vs_disk **disks,
                   size_t *ndisks, struct vmerr *err)
{
  static const char *const paths[] = { "config.hardware.device", NULL };
  struct vs_props p;
  int rc;

  if (vs_get_props (c, "VirtualMachineSnapshot", snap_moref, paths, &p, err) == -1)
    return -1;
  rc = parse_disks (vs_prop (&p, "config.hardware.device"), disks, ndisks, err);
  vs_props_free (&p);
  return rc;
}

bool
vs_vm_is_windows (const struct vs_vm *vm)
{
  return (vm->guest_id && strncasecmp (vm->guest_id, "win", 3) == 0) ||
         (vm->guest_full_name && strcasestr (vm->guest_full_name, "windows") != NULL);
}

void
vs_disks_free (struct vs_disk *disks, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    free (disks[i].file);
    free (disks[i].change_id);
    free (disks[i].disk_mode);
    free (disks[i].backing_type);
    free (disks[i].label);
  }
  free (disks);
}

void
vs_vm_free (struct vs_vm *vm)
{
  free (vm->moref);
  free (vm->name);
  free (vm->uuid);
  free (vm->instance_uuid);
  free (vm->guest_id);
  free (vm->guest_full_name);
  free (vm->firmware);
  free (vm->power_state);
  free (vm->tools_status);
  vs_disks_free (vm->disks, vm->ndisks);
  vs_nics_free (vm->nics, vm->nnics);
  for (size_t i = 0; i < vm->nsnapshots; i++) {
    free (vm->snapshots[i].moref);
    free (vm->snapshots[i].name);
  }
  free (vm->snapshots);
  memset (vm, 0, sizeof *vm);
}
