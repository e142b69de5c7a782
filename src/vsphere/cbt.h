#ifndef VMIGRATE_VSPHERE_CBT_H
#define VMIGRATE_VSPHERE_CBT_H

#include <stdint.h>

#include "extent.h"
#include "soap.h"

/* Not thread-safe: calls on one vs_conn come from one thread at a time. */

/* Every area of disk DISK_KEY that changed between CHANGE_ID ("*" = all
 * allocated areas) and snapshot SNAP_MOREF, paging QueryChangedDiskAreas
 * to the end of the disk (an empty chunk is not the end).  A fault of the
 * query (InvalidArgument: unknown/reset changeId; FileFault: tracking file
 * unreadable) is returned in FAULT so the caller can fall back to a full
 * copy. */
int vs_changed_areas (struct vs_conn *c, const char *vm_moref, const char *snap_moref,
                      int disk_key, int64_t capacity, const char *change_id,
                      struct extent_list *out, struct vs_fault *fault, struct vmerr *err);

/* One reply of that paging: append the changed areas of RET (the
 * returnval of a query at offset OFF) to OUT, checked against CAPACITY,
 * and set *NEXT to the offset of the next query.  -1 (VMERR_VSPHERE) when
 * the reply does not advance or holds a bad area; OUT is not freed. */
int vs_changed_areas_page (xmlNode *ret, int disk_key, int64_t off, int64_t capacity,
                           struct extent_list *out, int64_t *next, struct vmerr *err);

/* Split "<uuid>/<seq>"; false if malformed.  UUID gets at most UUID_SIZE-1
 * characters. */
bool vs_change_id_parse (const char *change_id, char *uuid, size_t uuid_size, long *seq);

/* Turn CBT on (ReconfigVM changeTrackingEnabled=true).  On a running VM
 * it takes effect at the next stun/unstun: the caller's next snapshot. */
int vs_enable_cbt (struct vs_conn *c, const char *vm_moref, struct vmerr *err);

#endif
