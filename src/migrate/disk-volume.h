#ifndef VMIGRATE_MIGRATE_DISK_VOLUME_H
#define VMIGRATE_MIGRATE_DISK_VOLUME_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "error.h"
#include "kv.h"
#include "state.h"
#include "vm.h"

/* The disk <-> volume binding: a VM disk's Cinder volume, found by the VM's
 * instance UUID and the disk's key, created, attached to this conversion
 * host and back.  Its metadata (keys in state.h) is where all migration
 * state lives, so any conversion host can continue a migration.  Not
 * thread-safe: a volume_ctx and its volumes belong to one run (the
 * OpenStack connection under it serialises its own calls). */

struct os_conn;

struct disk_volume {
  char *id;              /* Cinder volume id (owned) */
  int disk_key;          /* the VM disk it holds */
  int64_t size_bytes;    /* volume size */
  struct kv meta;        /* metadata as last read/written */
  char *volume_type;     /* type name, NULL for the default */
  char *device;          /* path while attached here, else NULL */
  char *attached_to;     /* server id it is attached to, or NULL */
  char *status;          /* Cinder status as last read */
};

/* Where volumes are made and attached. */
struct volume_ctx {
  struct os_conn *os;            /* authenticated OpenStack session */
  const struct config *cfg;      /* volume type/az, device dir */
  char *host;                    /* this conversion host's server id (owned) */
};

/* Connect to OpenStack and find this conversion host's server id
 * (--conversion-host, else the metadata service, else the SMBIOS uuid). */
int volume_ctx_open (struct volume_ctx *x, const struct config *cfg, struct vmerr *err);
void volume_ctx_close (struct volume_ctx *x);

/* The volume holding disk D of VM, if one exists (*found false if not). */
int volume_find (struct volume_ctx *x, const struct vs_vm *vm, const struct vs_disk *d,
                 struct disk_volume *v, bool *found, struct vmerr *err);

/* Create (and wait for) a volume big enough for D, marked copy incomplete. */
int volume_create (struct volume_ctx *x, const struct vs_vm *vm, const struct vs_disk *d,
                   struct disk_volume *v, struct vmerr *err);

/* Attach to this host and wait for its device (virtio-<id[:20]>); nothing
 * to do when this run attached it already. */
int volume_attach (struct volume_ctx *x, struct disk_volume *v, struct vmerr *err);

/* Detach from this host and wait until available; no-op if not attached. */
int volume_detach (struct volume_ctx *x, struct disk_volume *v, struct vmerr *err);

/* Merge KV into the volume's metadata (never replacing other keys). */
int volume_set_meta (struct volume_ctx *x, struct disk_volume *v, const struct kv *kv,
                     struct vmerr *err);

/* Does a freshly created volume of this type read as zeroes?  False for
 * encrypted types (LUKS ciphertext) and when --assume-zero=false. */
int volume_reads_zero (struct volume_ctx *x, const struct disk_volume *v, bool *zero,
                       struct vmerr *err);

/* Grow the volume to hold BYTES (disk was resized in vSphere). */
int volume_extend (struct volume_ctx *x, struct disk_volume *v, int64_t bytes, struct vmerr *err);

/* Recovery point before conversion: Cinder snapshot (forced: attached). */
int volume_snapshot (struct volume_ctx *x, struct disk_volume *v, char **snap_id,
                     struct vmerr *err);
/* Put the volume back to SNAP_ID (volume must be detached). */
int volume_revert (struct volume_ctx *x, struct disk_volume *v, const char *snap_id,
                   struct vmerr *err);
int volume_snapshot_delete (struct volume_ctx *x, const char *snap_id, struct vmerr *err);

/* Mark bootable and set image metadata for the guest after conversion. */
int volume_mark_boot (struct volume_ctx *x, struct disk_volume *v, const struct vs_vm *vm,
                      struct vmerr *err);

void disk_volume_free (struct disk_volume *v);

#endif
