#ifndef VMIGRATE_OPENSTACK_CINDER_INTERNAL_H
#define VMIGRATE_OPENSTACK_CINDER_INTERNAL_H

#include "cinder.h"

/* Thread-safe through the connection (conn.h serialises calls). */

/* Shared by volume.c and snapshot.c; not part of the client's API. */

/* Poll /KIND s/ID (KIND "volume" or "snapshot") until its status is WANT
 * ("deleted": a 404), see os_volume_wait.  *LAST (may be NULL) receives the
 * last "KIND" object seen (new reference). */
int os_cinder_wait (struct os_conn *c, const char *kind, const char *id, const char *want,
                    int timeout_s, json_object **last, struct vmerr *err);

/* GET /COLLECTION/ID and return its KEY object ("volume"), a new
 * reference, or NULL with err set (*STATUS, if given, the HTTP status). */
json_object *os_cinder_get (struct os_conn *c, const char *collection, const char *id,
                            const char *key, long *status, struct vmerr *err);

/* POST BODY (consumed; NULL means out of memory) to /COLLECTION and set
 * *ID (malloc'd) to the id of the reply's KEY object ("volume"). */
int os_cinder_create (struct os_conn *c, const char *collection, const char *key,
                      json_object *body, char **id, struct vmerr *err);

/* DELETE /COLLECTION/ID SUFFIX (SUFFIX may be NULL); a 404 (already gone)
 * is success. */
int os_cinder_delete (struct os_conn *c, const char *collection, const char *id,
                      const char *suffix, struct vmerr *err);

/* Called for each item of a listing; returns 0 or -1 with err set. */
typedef int (*os_item_fn) (json_object *item, void *opaque, struct vmerr *err);

/* One page of a listing REPLY: FN on each object of its KEY array.
 * *LAST_ID (borrowed from REPLY) is the marker of the next page, NULL when
 * this page is the last. */
int os_cinder_page (json_object *reply, const char *key, os_item_fn fn, void *opaque,
                    const char **last_id, struct vmerr *err);

/* GET COLLECTION ("/volumes/detail") with QUERY ("name=x&...", may be
 * empty) and every next page (marker paging); FN gets each object of the
 * KEY array ("volumes"). */
int os_cinder_list (struct os_conn *c, const char *collection, const char *key,
                    const char *query, os_item_fn fn, void *opaque, struct vmerr *err);

/* POST /volumes/ID/action {NAME: ARG} (ARG consumed) with MICROVERSION. */
int os_cinder_action (struct os_conn *c, const char *id, const char *name, json_object *arg,
                      const char *microversion, struct vmerr *err);

/* "/PREFIX/<escaped ID>SUFFIX" (malloc'd) or NULL. */
char *os_cinder_path (const char *prefix, const char *id, const char *suffix);

#endif
