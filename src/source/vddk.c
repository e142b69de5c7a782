/* The VDDK transport: nbdkit-vddk-plugin reading a snapshot's disk through
 * vCenter (production). */
#include "transport.h"

#include <string.h>

static int
vddk_args (const struct source_spec *spec, struct argv_builder *b, struct vmerr *err)
{
  const char *missing = !spec->vddk_libdir ? "--vddk-libdir (the VDDK install directory)"
                        : !spec->server ? "the vCenter host"
                        : !spec->thumbprint ? "--vddk-thumbprint (SHA-1 of the vCenter certificate)"
                        : !spec->password_file ? "the password file"
                        : !spec->vm_moref || !spec->snapshot_moref || !spec->file ? "the VM, snapshot and disk"
                        : NULL;

  if (missing)
    return vmerr_set (err, VMERR_CONFIG, "the VDDK transport needs %s", missing);
  /* retry: NFC connections drop; blocksize: vCenter runs out of NFC memory
   * on big reads, so cap requests at 2 MiB. */
  argv_add (b, "--filter=retry");
  argv_add (b, "--filter=blocksize");
  argv_add (b, "vddk");
  argv_add_kv (b, "libdir=", spec->vddk_libdir);
  argv_add_kv (b, "server=", spec->server);
  if (spec->user)
    argv_add_kv (b, "user=", spec->user);
  /* The password is read by nbdkit from the file, never put on argv. */
  argv_add_kv (b, "password=+", spec->password_file);
  argv_add_kv (b, "thumbprint=", spec->thumbprint);
  argv_add_kv (b, "vm=moref=", spec->vm_moref);
  argv_add_kv (b, "snapshot=", spec->snapshot_moref);
  argv_add_kv (b, "transports=", spec->transports ? spec->transports : "file:nbdssl:nbd");
  if (spec->compression && strcmp (spec->compression, "none") != 0)
    argv_add_kv (b, "compression=", spec->compression);
  argv_add_kv (b, "file=", spec->file);
  argv_add (b, "maxdata=2M");
  return 0;
}

const struct source_transport source_vddk_transport = {
  .kind = SOURCE_VDDK,
  .name = "vddk",
  .add_args = vddk_args,
};
