#ifndef VMIGRATE_OPENSTACK_NOVA_H
#define VMIGRATE_OPENSTACK_NOVA_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "conn.h"

/* Thread-safe through the connection (conn.h serialises calls); the device
 * wait only looks at the file system. */

/* Nova: attaching volumes to the conversion host (a Nova server) and
 * finding the device they become on it. */

struct os_attachment {
  char *volume_id;
  char *server_id;
  char *device;        /* Nova's name for it (/dev/vdb): a hint, often wrong */
};

struct os_attachment_list {
  struct os_attachment *items;  /* n attachments (owned) */
  size_t n;
};

void os_attachment_list_free (struct os_attachment_list *l);

/* Attach volume VOLUME_ID (which must be "available") to SERVER_ID.  Nova
 * answers at once; the volume is "attaching", then "in-use"
 * (os_volume_wait), then its device appears (os_device_wait).  *DEVICE
 * (may be NULL) receives Nova's device name, malloc'd. */
int os_server_attach (struct os_conn *c, const char *server_id, const char *volume_id,
                      char **device, struct vmerr *err);

/* Ask Nova to detach VOLUME_ID from SERVER_ID; the volume is "detaching",
 * then "available" (os_volume_wait). */
int os_server_detach (struct os_conn *c, const char *server_id, const char *volume_id,
                      struct vmerr *err);

/* The volumes attached to SERVER_ID (to clean up after a killed run). */
int os_server_attachments (struct os_conn *c, const char *server_id,
                           struct os_attachment_list *out, struct vmerr *err);

/* The list of a GET /servers/ID/os-volume_attachments REPLY (entries
 * without a volumeId are skipped).  Free OUT with os_attachment_list_free
 * either way. */
int os_attachments_parse (json_object *reply, struct os_attachment_list *out,
                          struct vmerr *err);

/* Whether server SERVER_ID exists (a 404 is "no", not an error); *NAME
 * (may be NULL) receives its name, malloc'd, when it does. */
int os_server_exists (struct os_conn *c, const char *server_id, bool *exists, char **name,
                      struct vmerr *err);

/* DIR/virtio-<first 20 characters of VOLUME_ID>: how a virtio-blk volume
 * shows up in /dev/disk/by-id (its serial is the volume id, cut to 20).
 * Malloc'd, NULL when out of memory. */
char *os_device_path (const char *dir, const char *volume_id);

/* Poll until the device of VOLUME_ID in DIR exists (PRESENT) or is gone
 * (!PRESENT), at most TIMEOUT_S seconds.  *PATH (may be NULL) receives its
 * path, malloc'd.  VMERR_OPENSTACK on timeout, naming the path. */
int os_device_wait (const char *dir, const char *volume_id, bool present, int timeout_s,
                    char **path, struct vmerr *err);

#endif
