#ifndef VMIGRATE_OPENSTACK_SERVER_H
#define VMIGRATE_OPENSTACK_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "conn.h"
#include "error.h"
#include "kv.h"

/* Nova: the flavors an instance may take and the instance itself, booted
 * from Cinder volumes with ports made beforehand.  Thread-safe through the
 * connection. */

struct os_flavor {
  char *id;
  char *name;
  int vcpus;
  int64_t ram_mb;
  int64_t disk_gb;
};

struct os_flavor_list {
  struct os_flavor *v;
  size_t n;
};

void os_flavor_list_free (struct os_flavor_list *l);

/* Every flavor the project may use (GET /flavors/detail). */
int os_flavor_list (struct os_conn *c, struct os_flavor_list *out, struct vmerr *err);

/* Create a private flavor NAME with VCPUS, RAM_MB and no root disk (the
 * instance boots from a volume); *ID malloc'd. */
int os_flavor_create (struct os_conn *c, const char *name, int vcpus, int64_t ram_mb,
                      char **id, struct vmerr *err);

struct os_server_spec {
  const char *name;
  const char *flavor_id;
  const char *const *volume_ids;   /* boot volume first, then the others in disk order */
  size_t nvolumes;
  const char *const *port_ids;     /* in NIC order */
  size_t nports;
  const struct kv *metadata;       /* may be NULL */
  const char *key_name;            /* may be NULL */
  const char *user_data;           /* the text (sent base64-encoded); may be NULL */
  const char *availability_zone;   /* may be NULL */
};

/* POST /servers, booting from volume_ids[0] (boot index 0, never deleted
 * with the server); *ID malloc'd.  *STATUS (may be NULL): the HTTP status
 * of a refusal. */
int os_server_create (struct os_conn *c, const struct os_server_spec *spec, char **id,
                      long *status, struct vmerr *err);

struct os_server {
  char *id;
  char *name;
  char *status;          /* BUILD, ACTIVE, ERROR, ... */
  char *fault;           /* fault.message when ERROR, else NULL */
  char *addresses;       /* "net=10.0.0.5 (fa:16:...), ..." for people; may be "" */
  struct kv metadata;
};

void os_server_free (struct os_server *s);

/* GET /servers/ID.  *FOUND 0 on a 404. */
int os_server_show (struct os_conn *c, const char *id, int *found, struct os_server *out,
                    struct vmerr *err);

/* The server named exactly NAME: *ID malloc'd, or NULL when there is none;
 * several are VMERR_PRECONDITION. */
int os_server_find (struct os_conn *c, const char *name, char **id, struct vmerr *err);

/* Delete server ID (a 404 counts as done); its volumes are kept. */
int os_server_delete (struct os_conn *c, const char *id, struct vmerr *err);

#endif
