#ifndef VMIGRATE_MIGRATE_LOCK_H
#define VMIGRATE_MIGRATE_LOCK_H

#include "error.h"

/* Thread-safe; one lock object per run. */

/* One run per VM at a time on this conversion host: an flock on a file
 * named after the VM's instance UUID.  The programs the run starts inherit
 * the lock's file, so it is held while the run or any of them lives; the
 * kernel drops it when the last one is gone, so a killed run never blocks
 * the next one for longer than its children live (and spawn.h ties those
 * to the run). */

struct vm_lock;

/* Take the lock for VM_ID in DIR (created if needed) without waiting; if
 * another process holds it, fail with VMERR_LOCKED naming its pid. */
struct vm_lock *vm_lock_take (const char *dir, const char *vm_id, const char *vm_name,
                              struct vmerr *err);
void vm_lock_release (struct vm_lock *l);

/* The lock directory: $VMIGRATE_LOCK_DIR, else /run/lock/vmigrate, else
 * /tmp/vmigrate-locks. */
const char *vm_lock_default_dir (void);

#endif
