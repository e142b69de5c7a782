#ifndef VMIGRATE_MIGRATE_STATE_H
#define VMIGRATE_MIGRATE_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kv.h"

/* The migration state kept in each volume's Cinder metadata: the keys,
 * what their values mean, and the record a finished window leaves.
 * Thread-safe: pure functions over the maps they are given. */

/* os-migrate's keys, kept so existing tooling reads our volumes. */
#define META_OSM "osm"
#define META_CHANGE_ID "changeID"
#define META_CONVERTED "converted"
/* Ours. */
#define META_VM_UUID "vmigrate_vm_uuid"         /* VM instance UUID */
#define META_VM_NAME "vmigrate_vm_name"
#define META_DISK_KEY "vmigrate_disk_key"       /* device key, e.g. 2000 */
#define META_DISK_FILE "vmigrate_disk_file"     /* "[ds] vm/vm.vmdk" */
#define META_CAPACITY "vmigrate_capacity"       /* source disk bytes */
#define META_COPY_STATE "vmigrate_copy_state"   /* incomplete | complete */
#define META_LAST_WINDOW "vmigrate_last_window" /* ISO 8601 UTC end of last window */
#define META_LAST_BYTES "vmigrate_last_bytes"   /* bytes copied in the last window */
#define META_LAST_SECONDS "vmigrate_last_seconds"
#define META_WINDOWS "vmigrate_windows"         /* windows completed */
/* Who works on the VM now: "host=SERVER pid=N since=ISO name=HOSTNAME",
 * "" when nobody (owner.h). */
#define META_OWNER "vmigrate_owner"
/* The cutover's conversion, recorded on every volume (recovery.h):
 * in-progress from before the converter starts until it succeeded or the
 * volume was reverted; done once it succeeded.  converted=true comes only
 * after every later step. */
#define META_CONVERSION "vmigrate_conversion"
#define META_RECOVERY_SNAPSHOT "vmigrate_recovery_snapshot" /* Cinder snapshot id */

/* Values of META_COPY_STATE. */
#define COPY_STATE_COMPLETE "complete"      /* a full copy was flushed */
#define COPY_STATE_INCOMPLETE "incomplete"  /* never trust this volume's data */

/* Values of META_CONVERSION. */
#define CONVERSION_IN_PROGRESS "in-progress"
#define CONVERSION_DONE "done"

/* The name of the Cinder recovery snapshots taken before conversion. */
#define RECOVERY_SNAPSHOT_NAME "vmigrate-before-conversion"

/* KEY of META is a true word (converted=true, os-migrate's True). */
bool state_true (const struct kv *meta, const char *key);

/* META_COPY_STATE of META is VALUE. */
bool state_copy_is (const struct kv *meta, const char *value);

/* META_CONVERSION of META is VALUE. */
bool state_conversion_is (const struct kv *meta, const char *value);

/* What a window writes once its data is durable: the changeID (unless
 * CHANGE_ID is NULL: no CBT), copy complete, when it ended, its bytes and
 * seconds, the window count after PREV (the volume's metadata before it)
 * and the disk's CAPACITY.  Returns 0, -1 when out of memory. */
int state_window_done (struct kv *out, const struct kv *prev, const char *change_id,
                       int64_t bytes, double seconds, int64_t capacity);

/* Now as ISO 8601 UTC ("2026-12-01T21:48:56Z"), for names and records. */
void state_utc_now (char *buf, size_t n);

#endif
