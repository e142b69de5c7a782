#ifndef VMIGRATE_OPENSTACK_CINDER_H
#define VMIGRATE_OPENSTACK_CINDER_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "conn.h"
#include "kv.h"

/* Thread-safe through the connection (conn.h serialises calls); result
 * structs have one owner. */

/* Cinder v3: volumes, their metadata (where vmigrate keeps its state),
 * actions, snapshots and volume types.  Every function returns 0 on
 * success and -1 with err set (os_http_error's classes) otherwise. */

struct os_volume_attachment {
  char *server_id;            /* Nova server holding the volume */
  char *device;               /* Nova's device name: a hint only, see os_device_path */
  char *attachment_id;        /* Cinder attachment id */
};

struct os_volume {
  char *id;
  char *name;                 /* NULL when unnamed */
  char *description;          /* NULL when none */
  char *status;               /* creating, available, in-use, error, ... */
  char *volume_type;          /* type name */
  char *availability_zone;
  int64_t size_gib;           /* size in GiB */
  bool bootable;
  bool encrypted;             /* its type encrypts (LUKS): it never reads as zeros */
  struct kv metadata;         /* the volume's metadata */
  struct kv image_metadata;   /* volume_image_metadata (glance properties) */
  size_t nattachments;
  struct os_volume_attachment *attachments;
};

struct os_volume_list {
  struct os_volume *items;    /* n volumes (owned) */
  size_t n;
  size_t cap;                 /* allocated */
};

/* What a new volume gets; NULL members are left to Cinder's defaults. */
struct os_volume_spec {
  int64_t size_gib;           /* required, >= 1 */
  const char *name;
  const char *description;
  const char *volume_type;    /* name or id */
  const char *availability_zone;
  const struct kv *metadata;
};

/* Fill V from a reply's "volume" object.  Free V with os_volume_free
 * either way. */
int os_volume_parse (json_object *o, struct os_volume *v, struct vmerr *err);
void os_volume_free (struct os_volume *v);
void os_volume_list_free (struct os_volume_list *l);

/* Create a volume; *ID (malloc'd) is set as soon as Cinder accepted it:
 * wait for "available" with os_volume_wait.  An exceeded quota is reported
 * as such (VMERR_OPENSTACK) with how to fix it. */
int os_volume_create (struct os_conn *c, const struct os_volume_spec *spec, char **id,
                      struct vmerr *err);

int os_volume_show (struct os_conn *c, const char *id, struct os_volume *v, struct vmerr *err);

/* Every volume of the project named NAME (unless NULL) whose metadata holds
 * every pair of METADATA (unless NULL), newest first, all pages.  The
 * filters are sent to Cinder and checked again here, as Cinder ignores
 * filters a policy does not allow. */
int os_volume_find (struct os_conn *c, const char *name, const struct kv *metadata,
                    struct os_volume_list *out, struct vmerr *err);

/* Poll volume ID until its status is STATUS ("deleted": until it is gone),
 * for at most TIMEOUT_S seconds.  Fails at once on an error status
 * (error, error_extending, ...) or when an attach or detach was rolled back,
 * naming the status.  V (may be NULL) receives the volume as last seen. */
int os_volume_wait (struct os_conn *c, const char *id, const char *status, int timeout_s,
                    struct os_volume *v, struct vmerr *err);

/* Start deleting (CASCADE: with its snapshots).  Already gone is success. */
int os_volume_delete (struct os_conn *c, const char *id, bool cascade, struct vmerr *err);

/* Merge KV into the volume's metadata (POST: other keys are kept; never
 * the replacing PUT). */
int os_volume_metadata_set (struct os_conn *c, const char *id, const struct kv *kv,
                            struct vmerr *err);

/* Remove one key; a key that is not there is success. */
int os_volume_metadata_delete (struct os_conn *c, const char *id, const char *key,
                               struct vmerr *err);

/* The whole metadata map into OUT (emptied first). */
int os_volume_metadata_get (struct os_conn *c, const char *id, struct kv *out,
                            struct vmerr *err);

/* os-set_bootable. */
int os_volume_set_bootable (struct os_conn *c, const char *id, bool bootable,
                            struct vmerr *err);

/* os-set_image_metadata: glance-style properties (hw_machine_type, ...),
 * merged with those already set. */
int os_volume_set_image_metadata (struct os_conn *c, const char *id, const struct kv *kv,
                                  struct vmerr *err);

/* os-extend to NEW_SIZE_GIB (microversion 3.42: allowed while in-use).
 * The volume is "extending" until done: wait for its previous status. */
int os_volume_extend (struct os_conn *c, const char *id, int64_t new_size_gib,
                      struct vmerr *err);

/* Revert the volume to SNAPSHOT_ID, which must be its latest snapshot,
 * both "available" (microversion 3.40).  The bytes are back only when the
 * volume is "available" again: wait for it. */
int os_volume_revert (struct os_conn *c, const char *id, const char *snapshot_id,
                      struct vmerr *err);

enum os_encryption {
  OS_ENCRYPTION_UNKNOWN = -1,  /* the policy hides it (admin-only by default) */
  OS_ENCRYPTION_NONE = 0,
  OS_ENCRYPTION_LUKS = 1,      /* encrypted: new volumes never read as zeros */
};

/* Whether volume type TYPE (name or id; NULL: the default type) encrypts.
 * A created volume's own "encrypted" field is authoritative; this is the
 * pre-flight answer, UNKNOWN when the user may not read it. */
int os_volume_type_encryption (struct os_conn *c, const char *type, enum os_encryption *enc,
                               struct vmerr *err);

/* --- snapshots --- */

struct os_snapshot {
  char *id;
  char *volume_id;
  char *name;                 /* NULL when unnamed */
  char *status;               /* creating, available, deleting, error, ... */
  char *created_at;           /* Cinder's timestamp text */
  int64_t size_gib;
  struct kv metadata;
};

struct os_snapshot_list {
  struct os_snapshot *items;  /* n snapshots, newest first (owned) */
  size_t n;
  size_t cap;                 /* allocated */
};

int os_snapshot_parse (json_object *o, struct os_snapshot *s, struct vmerr *err);
void os_snapshot_free (struct os_snapshot *s);
void os_snapshot_list_free (struct os_snapshot_list *l);

/* Snapshot VOLUME_ID (FORCE: also while in-use, as vmigrate needs); NAME,
 * DESCRIPTION, METADATA may be NULL.  *ID is malloc'd: wait for
 * "available" with os_snapshot_wait. */
int os_snapshot_create (struct os_conn *c, const char *volume_id, const char *name,
                        const char *description, const struct kv *metadata, bool force,
                        char **id, struct vmerr *err);

int os_snapshot_show (struct os_conn *c, const char *id, struct os_snapshot *s,
                      struct vmerr *err);

/* As os_volume_wait, for a snapshot. */
int os_snapshot_wait (struct os_conn *c, const char *id, const char *status, int timeout_s,
                      struct vmerr *err);

/* Start deleting; already gone is success.  Wait for "deleted". */
int os_snapshot_delete (struct os_conn *c, const char *id, struct vmerr *err);

/* Every snapshot of VOLUME_ID, newest first. */
int os_snapshot_list (struct os_conn *c, const char *volume_id, struct os_snapshot_list *out,
                      struct vmerr *err);

#endif
