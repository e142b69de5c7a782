#ifndef VMIGRATE_OPENSTACK_NEUTRON_H
#define VMIGRATE_OPENSTACK_NEUTRON_H

#include <json-c/json.h>
#include <stddef.h>

#include "conn.h"
#include "error.h"

/* Neutron v2.0: the networks, subnets and security groups an instance is
 * put on, and its ports.  Thread-safe through the connection. */

/* What a name-or-ID lookup looks for: "networks", "subnets",
 * "security-groups" (the collection's path and JSON key). */
enum os_net_kind { OS_NET_NETWORK, OS_NET_SUBNET, OS_NET_SECURITY_GROUP };

/* The ID (malloc'd) of the KIND named or identified by WHAT; a subnet is
 * looked for on NETWORK_ID only (NULL: anywhere).  None, or several with
 * that name, is VMERR_PRECONDITION saying so (and, for several, to give
 * the ID). */
int os_net_find (struct os_conn *c, enum os_net_kind kind, const char *what,
                 const char *network_id, char **id, struct vmerr *err);

struct os_port {
  char *id;
  char *name;
  char *mac;             /* mac_address */
  char *network_id;
  char *device_id;       /* the server it is bound to, "" when none */
  char *status;          /* DOWN, ACTIVE, BUILD */
  size_t nips;
  char **ips;            /* fixed_ips[].ip_address */
};

void os_port_free (struct os_port *p);

/* Fill OUT from a port object of a reply.  -1 (VMERR_OPENSTACK) when it
 * has no id, or out of memory; OUT is freed then. */
int os_port_from_json (json_object *port, struct os_port *out, struct vmerr *err);

/* The port named NAME: *FOUND 1 and OUT filled, or *FOUND 0.  Several
 * ports with that name are VMERR_PRECONDITION. */
int os_port_find (struct os_conn *c, const char *name, int *found, struct os_port *out,
                  struct vmerr *err);

struct os_port_spec {
  const char *name;
  const char *network_id;
  const char *mac;               /* NULL: Neutron's */
  const char *subnet_id;         /* NULL: any (with IP: the address's subnet) */
  const char *ip;                /* NULL: Neutron's choice */
  const char *const *security_groups;  /* IDs; NULL/0: the project's default */
  size_t nsecurity_groups;
  const char *description;
};

/* Create a port.  On failure *STATUS (may be NULL) is the HTTP status (403:
 * a policy refused something, e.g. mac_address; 409: MAC or IP in use). */
int os_port_create (struct os_conn *c, const struct os_port_spec *spec, struct os_port *out,
                    long *status, struct vmerr *err);

/* Delete port ID (a 404 counts as done). */
int os_port_delete (struct os_conn *c, const char *id, struct vmerr *err);

#endif
