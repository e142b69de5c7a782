#ifndef VMIGRATE_VSPHERE_VM_H
#define VMIGRATE_VSPHERE_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "nic.h"
#include "props.h"
#include "soap.h"

/* Not thread-safe: calls on one vs_conn come from one thread at a time; a
 * struct vs_vm has one owner. */

/* What vmigrate needs to know of a VM and its disks. */

/* The largest disk capacity accepted from vSphere: 1 PiB, far above
 * vSphere's own 62 TB limit, and small enough that offsets, lengths and
 * GiB roundings of a disk never overflow 64 bits. */
#define VS_MAX_DISK_BYTES ((int64_t) 1 << 50)

struct vs_disk {
  int key;               /* device key (2000...) */
  int64_t capacity;      /* bytes: capacityInBytes, else capacityInKB * 1024;
                          * 0 < capacity <= VS_MAX_DISK_BYTES */
  char *file;            /* backing fileName "[datastore] dir/disk.vmdk" */
  char *change_id;       /* backing changeId, NULL when CBT is not active */
  char *disk_mode;       /* persistent, independent_persistent, ... */
  char *backing_type;    /* e.g. VirtualDiskFlatVer2BackingInfo */
  char *label;           /* "Hard disk 1" */
};

struct vs_snapshot_ref {
  char *moref;           /* snapshot-NN */
  char *name;            /* as created */
};

struct vs_vm {
  char *moref;           /* vm-NN */
  char *name;
  char *uuid;            /* config.uuid (BIOS uuid) */
  char *instance_uuid;   /* config.instanceUuid */
  char *guest_id;        /* config.guestId */
  char *guest_full_name; /* config.guestFullName */
  char *firmware;        /* bios | efi */
  char *power_state;     /* poweredOn | poweredOff | suspended */
  char *tools_status;    /* guest.toolsRunningStatus */
  bool cbt_enabled;      /* config.changeTrackingEnabled */
  size_t ndisks;
  struct vs_disk *disks;
  int cpus;              /* config.hardware.numCPU (0: not reported) */
  int64_t memory_mb;     /* config.hardware.memoryMB (0: not reported) */
  bool secure_boot;      /* config.bootOptions.efiSecureBootEnabled */
  size_t nnics;          /* network adapters, in device order */
  struct vs_nic *nics;
  size_t nsnapshots;     /* every snapshot in the tree, depth first */
  struct vs_snapshot_ref *snapshots;
  size_t snapshots_cap;  /* snapshots allocated */
};

/* Resolve an inventory path ("/DC/vm/folder/web01") or a unique VM name
 * to the VM's moref (malloc'd). */
int vs_find_vm (struct vs_conn *c, const char *what, char **moref, struct vmerr *err);

/* Read a VM's properties, disks and NICs (naming the distributed
 * portgroups they are on). */
int vs_vm_read (struct vs_conn *c, const char *moref, struct vs_vm *vm, struct vmerr *err);

/* The part of vs_vm_read after the call: fill VM (moref MOREF) from the
 * properties it asked for.  Free VM with vs_vm_free on success; on error
 * it is freed already. */
int vs_vm_from_props (const struct vs_props *p, const char *moref, struct vs_vm *vm,
                      struct vmerr *err);

/* The disks as a snapshot captured them (with the snapshot's changeIds). */
int vs_snapshot_disks (struct vs_conn *c, const char *snap_moref, struct vs_disk **disks,
                       size_t *ndisks, struct vmerr *err);

/* Windows guest (by guestId or guestFullName)? */
bool vs_vm_is_windows (const struct vs_vm *vm);

void vs_disks_free (struct vs_disk *disks, size_t n);
void vs_vm_free (struct vs_vm *vm);

#endif
