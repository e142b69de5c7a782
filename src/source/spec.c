/* The configuration -> source spec mapping: which transport serves a
 * disk, and with what. */
#include "source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Host name out of https://host[:port]/sdk, for VDDK's server=. */
static char *
url_host (const char *url)
{
  const char *p = strstr (url, "://");
  size_t n;

  p = p ? p + 3 : url;
  n = strcspn (p, ":/");
  return strndup (p, n);
}

static bool
is_set (const char *s)
{
  return s != NULL && *s != '\0';
}

int
source_settings_check (const struct config *cfg, struct vmerr *err)
{
  if (cfg->transport == TRANSPORT_LOCAL) {
    if (!is_set (cfg->local_datastore))
      return vmerr_set (err, VMERR_CONFIG, "--transport local needs --local-datastore DIR "
                        "(or VMIGRATE_LOCAL_DATASTORE): where the datastores are mounted");
    return 0;
  }
  if (!is_set (cfg->vddk_libdir))
    return vmerr_set (err, VMERR_CONFIG, "--transport vddk (the default) needs --vddk-libdir "
                      "DIR: the VDDK install directory (vmware-vix-disklib-distrib, holding "
                      "lib64); or read a mounted datastore with --transport local");
  if (!is_set (cfg->vddk_thumbprint))
    return vmerr_set (err, VMERR_CONFIG, "--transport vddk needs --vddk-thumbprint SHA1 (or "
                      "VMIGRATE_VSPHERE_THUMBPRINT): the SHA-1 fingerprint of the vCenter "
                      "certificate, e.g. from openssl x509 -noout -fingerprint -sha1");
  return 0;
}

int
source_spec_for (const struct config *cfg, const char *vm_moref, const char *snapshot_moref,
                 int disk_key, const char *disk_file, struct source_spec *s, struct vmerr *err)
{
  memset (s, 0, sizeof *s);
  s->nbdkit = cfg->nbdkit;
  if (source_settings_check (cfg, err) == -1)
    return -1;
  if (cfg->transport == TRANSPORT_LOCAL) {
    /* "[ds] dir/disk.vmdk" -> LOCAL_DATASTORE/ds/dir/disk.vmdk */
    const char *close = disk_file ? strstr (disk_file, "] ") : NULL;
    if (close == NULL || disk_file[0] != '[')
      return vmerr_set (err, VMERR_VSPHERE, "disk %d has no datastore file name", disk_key);
    if (asprintf (&s->owned[0], "%s/%.*s/%s", cfg->local_datastore,
                  (int) (close - disk_file - 1), disk_file + 1, close + 2) < 0) {
      s->owned[0] = NULL;
      return vmerr_set (err, VMERR_FAILED, "out of memory");
    }
    s->kind = SOURCE_FILE;
    s->path = s->owned[0];
    return 0;
  }
  s->owned[1] = url_host (cfg->vsphere_url);
  s->kind = SOURCE_VDDK;
  s->vddk_libdir = cfg->vddk_libdir;
  s->server = s->owned[1];
  s->user = cfg->vsphere_user;
  s->password_file = cfg->vsphere_password_file;
  s->thumbprint = cfg->vddk_thumbprint;
  s->vm_moref = vm_moref;
  s->snapshot_moref = snapshot_moref;
  s->file = disk_file;
  return 0;
}

void
source_spec_free (struct source_spec *s)
{
  free (s->owned[0]);
  free (s->owned[1]);
  s->owned[0] = s->owned[1] = NULL;
}
