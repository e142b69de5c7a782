/* Volumes of a VM's disks on Cinder, attached to this conversion host. */
#include "disk-volume.h"
#include "log.h"
#include "auth-load.h"
#include "cinder.h"
#include "conn.h"
#include "metadata.h"
#include "nova.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
  VOLUME_READY_TIMEOUT_S = 600,   /* create/attach/detach/revert */
  DEVICE_TIMEOUT_S = 300,         /* device node after Nova's attach */
};

static const int64_t GIB = 1073741824;

/* Read this host's server id: flag, metadata service (with OpenStack's
 * TLS settings, AUTH), SMBIOS uuid. */
static char *
resolve_host (const struct config *cfg, const struct os_auth *auth, struct vmerr *err)
{
  char *id = NULL;
  FILE *f;

  if (cfg->conversion_host)
    return strdup (cfg->conversion_host);
  struct http_opts http = { .ca_file = auth->cacert, .insecure = auth->insecure, .retries = 0 };
  if (os_instance_uuid (cfg->metadata_url, &http, 5, &id, err) == 0)
    return id;
  log_debug ("metadata service: %s", err->msg);
  f = fopen ("/sys/class/dmi/id/product_uuid", "r");
  if (f) {
    char buf[64] = "";
    if (fgets (buf, sizeof buf, f)) {
      buf[strcspn (buf, "\n")] = '\0';
      for (char *p = buf; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
          *p = (char) (*p - 'A' + 'a');
      id = strdup (buf);
    }
    fclose (f);
  }
  if (id && *id)
    return id;
  free (id);
  vmerr_set (err, VMERR_CONFIG, "cannot tell which OpenStack server this conversion host is: "
             "give --conversion-host UUID (or set VMIGRATE_CONVERSION_HOST)");
  return NULL;
}

int
volume_ctx_open (struct volume_ctx *x, const struct config *cfg, struct vmerr *err)
{
  struct os_auth auth = { 0 };
  int rc = -1;

  memset (x, 0, sizeof *x);
  x->cfg = cfg;
  if (os_auth_load (&auth, cfg->os_cloud, err) == -1)
    goto out;
  if (cfg->os_insecure)
    auth.insecure = true;
  if (auth.cacert == NULL && cfg->ca_file)
    auth.cacert = strdup (cfg->ca_file);
  x->os = os_connect (&auth, err);
  if (x->os == NULL)
    goto out;
  x->host = resolve_host (cfg, &auth, err);
  if (x->host == NULL)
    goto out;
  log_debug ("conversion host: server %s", x->host);
  rc = 0;
out:
  os_auth_free (&auth);
  if (rc == -1)
    volume_ctx_close (x);
  return rc;
}

void
volume_ctx_close (struct volume_ctx *x)
{
  os_disconnect (x->os);
  free (x->host);
  x->os = NULL;
  x->host = NULL;
}

void
disk_volume_free (struct disk_volume *v)
{
  free (v->id);
  kv_free (&v->meta);
  free (v->volume_type);
  free (v->device);
  free (v->attached_to);
  free (v->status);
  memset (v, 0, sizeof *v);
}

/* Copy what we track from Cinder's view of the volume. */
static int
take_volume (struct disk_volume *v, const struct os_volume *ov, int disk_key, struct vmerr *err)
{
  kv_free (&v->meta);
  free (v->status);
  free (v->attached_to);
  if (v->id == NULL)
    v->id = strdup (ov->id);
  v->disk_key = disk_key;
  v->size_bytes = ov->size_gib * GIB;
  v->status = strdup (ov->status ? ov->status : "");
  v->attached_to = ov->nattachments ? strdup (ov->attachments[0].server_id) : NULL;
  if (v->volume_type == NULL && ov->volume_type)
    v->volume_type = strdup (ov->volume_type);
  for (size_t i = 0; i < ov->metadata.n; i++)
    if (kv_set (&v->meta, ov->metadata.items[i].key, ov->metadata.items[i].value) == -1)
      return vmerr_set (err, VMERR_FAILED, "out of memory");
  if (v->id == NULL || v->status == NULL)
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  return 0;
}

int
volume_find (struct volume_ctx *x, const struct vs_vm *vm, const struct vs_disk *d,
             struct disk_volume *v, bool *found, struct vmerr *err)
{
  struct kv filter = { 0 };
  struct os_volume_list l = { 0 };
  char key[16];
  int rc = -1;

  *found = false;
  snprintf (key, sizeof key, "%d", d->key);
  if (kv_set (&filter, META_VM_UUID, vm->instance_uuid) == -1 ||
      kv_set (&filter, META_DISK_KEY, key) == -1) {
    vmerr_set (err, VMERR_FAILED, "out of memory");
    goto out;
  }
  if (os_volume_find (x->os, NULL, &filter, &l, err) == -1)
    goto out;
  if (l.n > 1) {
    vmerr_set (err, VMERR_PRECONDITION, "%zu volumes claim disk %d of VM '%s' (%s, %s%s): "
               "delete the stray ones so that one volume holds the disk", l.n, d->key,
               vm->name, l.items[0].id, l.items[1].id, l.n > 2 ? ", ..." : "");
    goto out;
  }
  if (l.n == 1) {
    if (take_volume (v, &l.items[0], d->key, err) == -1)
      goto out;
    *found = true;
  }
  rc = 0;
out:
  kv_free (&filter);
  os_volume_list_free (&l);
  return rc;
}

int
volume_create (struct volume_ctx *x, const struct vs_vm *vm, const struct vs_disk *d,
               struct disk_volume *v, struct vmerr *err)
{
  struct kv meta = { 0 };
  struct os_volume ov = { 0 };
  char name[256], key[16], cap[32], desc[512];
  int rc = -1;

  snprintf (name, sizeof name, "%s-disk-%d", vm->name, d->key);
  snprintf (key, sizeof key, "%d", d->key);
  snprintf (cap, sizeof cap, "%" PRId64, d->capacity);
  snprintf (desc, sizeof desc, "vmigrate: disk %d (%s) of VMware VM %s", d->key,
            d->file ? d->file : "?", vm->name);
  if (kv_set (&meta, META_OSM, "true") == -1 || kv_set (&meta, META_CONVERTED, "false") == -1 ||
      kv_set (&meta, META_VM_UUID, vm->instance_uuid) == -1 ||
      kv_set (&meta, META_VM_NAME, vm->name) == -1 || kv_set (&meta, META_DISK_KEY, key) == -1 ||
      kv_set (&meta, META_DISK_FILE, d->file ? d->file : "") == -1 ||
      kv_set (&meta, META_CAPACITY, cap) == -1 ||
      kv_set (&meta, META_COPY_STATE, "incomplete") == -1) {
    vmerr_set (err, VMERR_FAILED, "out of memory");
    goto out;
  }
  struct os_volume_spec spec = {
    .size_gib = (d->capacity + GIB - 1) / GIB, .name = name, .description = desc,
    .volume_type = x->cfg->volume_type, .availability_zone = x->cfg->volume_az,
    .metadata = &meta,
  };
  if (os_volume_create (x->os, &spec, &v->id, err) == -1)
    goto out;
  log_info ("created volume %s (%s, %" PRId64 " GiB) for disk %d", v->id, name, spec.size_gib,
            d->key);
  if (os_volume_wait (x->os, v->id, "available", VOLUME_READY_TIMEOUT_S, &ov, err) == -1 ||
      take_volume (v, &ov, d->key, err) == -1)
    goto out;
  rc = 0;
out:
  if (rc == -1)
    vmerr_prefix (err, "creating the volume for disk %d: ", d->key);
  os_volume_free (&ov);
  kv_free (&meta);
  return rc;
}

static int
wait_device (struct volume_ctx *x, struct disk_volume *v, struct vmerr *err)
{
  free (v->device);
  v->device = NULL;
  return os_device_wait (x->cfg->device_dir, v->id, true, DEVICE_TIMEOUT_S, &v->device, err);
}

int
volume_attach (struct volume_ctx *x, struct disk_volume *v, struct vmerr *err)
{
  if (v->device && v->attached_to && strcmp (v->attached_to, x->host) == 0)
    return 0;  /* attached by this run */
  if (v->attached_to && strcmp (v->attached_to, x->host) == 0) {
    /* A killed run left it attached here: take it back as it is. */
    log_warn ("volume %s is still attached to this host (left by an earlier run)", v->id);
  }
  else if (v->attached_to)
    return vmerr_set (err, VMERR_PRECONDITION, "volume %s is attached to server %s, not to "
                      "this conversion host (%s): is another host migrating this VM? Detach "
                      "it there first", v->id, v->attached_to, x->host);
  else {
    if (os_server_attach (x->os, x->host, v->id, NULL, err) == -1 ||
        os_volume_wait (x->os, v->id, "in-use", VOLUME_READY_TIMEOUT_S, NULL, err) == -1) {
      vmerr_prefix (err, "attaching volume %s: ", v->id);
      return -1;
    }
    v->attached_to = strdup (x->host);
  }
  return wait_device (x, v, err);
}

int
volume_detach (struct volume_ctx *x, struct disk_volume *v, struct vmerr *err)
{
  if (v->attached_to == NULL || x->host == NULL || strcmp (v->attached_to, x->host) != 0)
    return 0;
  sync ();
  if (os_server_detach (x->os, x->host, v->id, err) == -1 ||
      os_volume_wait (x->os, v->id, "available", VOLUME_READY_TIMEOUT_S, NULL, err) == -1) {
    vmerr_prefix (err, "detaching volume %s: ", v->id);
    return -1;
  }
  free (v->attached_to);
  free (v->device);
  v->attached_to = v->device = NULL;
  return 0;
}

int
volume_set_meta (struct volume_ctx *x, struct disk_volume *v, const struct kv *kv,
                 struct vmerr *err)
{
  if (os_volume_metadata_set (x->os, v->id, kv, err) == -1) {
    vmerr_prefix (err, "updating the metadata of volume %s: ", v->id);
    return -1;
  }
  for (size_t i = 0; i < kv->n; i++)
    if (kv_set (&v->meta, kv->items[i].key, kv->items[i].value) == -1)
      return vmerr_set (err, VMERR_FAILED, "out of memory");
  return 0;
}

int
volume_reads_zero (struct volume_ctx *x, const struct disk_volume *v, bool *zero,
                   struct vmerr *err)
{
  struct os_volume ov = { 0 };

  if (x->cfg->assume_zero >= 0) {
    *zero = x->cfg->assume_zero == 1;
    return 0;
  }
  /* The volume's own "encrypted" flag is authoritative. */
  if (os_volume_show (x->os, v->id, &ov, err) == -1)
    return -1;
  *zero = !ov.encrypted;
  os_volume_free (&ov);
  if (!*zero)
    log_info ("volume %s is encrypted: it does not read as zeroes, so the unallocated areas "
              "are zeroed too", v->id);
  return 0;
}

int
volume_extend (struct volume_ctx *x, struct disk_volume *v, int64_t bytes, struct vmerr *err)
{
  int64_t gib = (bytes + GIB - 1) / GIB;
  const char *back = v->status && *v->status ? v->status : "available";
  char *status = strdup (back);
  int rc;

  if (status == NULL)
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  rc = os_volume_extend (x->os, v->id, gib, err);
  if (rc == 0)
    rc = os_volume_wait (x->os, v->id, status, VOLUME_READY_TIMEOUT_S, NULL, err);
  free (status);
  if (rc == 0)
    v->size_bytes = gib * GIB;
  return rc;
}

int
volume_snapshot (struct volume_ctx *x, struct disk_volume *v, char **snap_id, struct vmerr *err)
{
  if (os_snapshot_create (x->os, v->id, "vmigrate-before-conversion",
                          "Recovery point: revert to it if the conversion fails", NULL, true,
                          snap_id, err) == -1 ||
      os_snapshot_wait (x->os, *snap_id, "available", VOLUME_READY_TIMEOUT_S, err) == -1) {
    vmerr_prefix (err, "recovery snapshot of volume %s: ", v->id);
    return -1;
  }
  log_info ("volume %s: recovery snapshot %s", v->id, *snap_id);
  return 0;
}

int
volume_revert (struct volume_ctx *x, struct disk_volume *v, const char *snap_id,
               struct vmerr *err)
{
  if (os_volume_revert (x->os, v->id, snap_id, err) == -1 ||
      os_volume_wait (x->os, v->id, "available", VOLUME_READY_TIMEOUT_S, NULL, err) == -1)
    return -1;
  log_info ("volume %s reverted to %s", v->id, snap_id);
  return 0;
}

int
volume_snapshot_delete (struct volume_ctx *x, const char *snap_id, struct vmerr *err)
{
  if (os_snapshot_delete (x->os, snap_id, err) == -1)
    return -1;
  return os_snapshot_wait (x->os, snap_id, "deleted", VOLUME_READY_TIMEOUT_S, err);
}

int
volume_mark_boot (struct volume_ctx *x, struct disk_volume *v, const struct vs_vm *vm,
                  struct vmerr *err)
{
  struct kv img = { 0 };
  bool win = vs_vm_is_windows (vm);
  bool efi = vm->firmware && strcmp (vm->firmware, "efi") == 0;
  int rc = -1;

  /* Glance-style properties so Nova boots the converted guest right. */
  if (kv_set (&img, "os_type", win ? "windows" : "linux") == -1 ||
      kv_set (&img, "hw_disk_bus", "virtio") == -1 ||
      kv_set (&img, "hw_vif_model", "virtio") == -1 ||
      (efi && kv_set (&img, "hw_firmware_type", "uefi") == -1) ||
      (efi && kv_set (&img, "hw_machine_type", "q35") == -1) ||
      /* Nova then boots it with secure boot (libvirt, q35 + OVMF's SB build). */
      (efi && vm->secure_boot && kv_set (&img, "os_secure_boot", "required") == -1)) {
    vmerr_set (err, VMERR_FAILED, "out of memory");
    goto out;
  }
  if (os_volume_set_bootable (x->os, v->id, true, err) == -1 ||
      os_volume_set_image_metadata (x->os, v->id, &img, err) == -1)
    goto out;
  rc = 0;
out:
  kv_free (&img);
  return rc;
}
