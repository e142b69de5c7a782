#ifndef VMIGRATE_CMD_CMD_H
#define VMIGRATE_CMD_CMD_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "create.h"
#include "disk-volume.h"
#include "error.h"
#include "result.h"
#include "vm.h"

/* One function per command.  A command finds things out or does them and
 * hands every result to the report ops it is given (cli/report.c prints
 * them as text or JSON); it prints nothing itself.  Each returns 0 or -1
 * with err set.  Single-threaded, called once from main. */

/* Where one disk of a VM stands (status). */
struct status_disk {
  const struct vs_disk *disk;   /* the VM disk */
  bool found;                   /* it has a volume */
  struct disk_volume vol;       /* that volume and its metadata, when found */
};

struct status_report {
  const struct vs_vm *vm;       /* the VM as vSphere shows it */
  size_t ndisks;
  struct status_disk *disks;    /* vm->ndisks entries, same order */
};

struct report_ops {
  void *opaque;                 /* passed to every call */
  /* inspect: the VM as read from vSphere; for a Windows guest where the
   * converter finds virtio-win (VIRTIO_WIN) or, NULL, what is wrong (PROBLEM). */
  void (*vm) (void *opaque, const struct vs_vm *vm, const char *virtio_win,
              const char *virtio_win_problem);
  /* status: each disk's volume and state. */
  void (*status) (void *opaque, const struct status_report *s);
  /* sync/cutover/migrate: a window ended (the run goes on). */
  void (*window) (void *opaque, const struct migrate_result *r,
                  const struct window_result_report *w);
  /* instance: the server of the VM, made or found again. */
  void (*instance) (void *opaque, const struct vs_vm *vm, const struct instance_result *r);
  /* sync/cutover/migrate: the run ended, RC 0 or -1 with ERR. */
  void (*migrate) (void *opaque, const struct migrate_result *r, int rc,
                   const struct vmerr *err);
};

int cmd_inspect (const struct config *cfg, const struct report_ops *out, struct vmerr *err);
int cmd_status (const struct config *cfg, const struct report_ops *out, struct vmerr *err);
int cmd_instance (const struct config *cfg, const struct report_ops *out, struct vmerr *err);
/* sync, cutover and migrate (cfg->command says which; the config's
 * cbt_sync/cutover carry the difference). */
int cmd_migrate (const struct config *cfg, const struct report_ops *out, struct vmerr *err);

#endif
