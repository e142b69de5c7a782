#ifndef VMIGRATE_INSTANCE_NETMAP_H
#define VMIGRATE_INSTANCE_NETMAP_H

#include <stddef.h>

#include "error.h"
#include "nic.h"

/* Where each source NIC goes in Neutron: the operator's --network-map
 * entries ('SOURCE=NETWORK[,subnet=SUBNET][,ip=keep|ADDRESS]', SOURCE a
 * vSphere network or portgroup name) and --network for the rest
 * (os-migrate's openstack_private_network).  Not thread-safe: one owner. */

enum netmap_ip { NETMAP_IP_AUTO, NETMAP_IP_KEEP, NETMAP_IP_FIXED };

struct netmap_entry {
  char *source;          /* vSphere network / portgroup name */
  char *network;         /* Neutron network name or ID */
  char *subnet;          /* subnet name or ID; NULL: Neutron's choice */
  enum netmap_ip ip_mode;
  char *ip;              /* NETMAP_IP_FIXED: the address */
};

struct netmap {
  struct netmap_entry *v;
  size_t n, cap;
};

/* Parse one --network-map SPEC and add it.  VMERR_USAGE naming the
 * mistake (a second mapping of one SOURCE too); -1 then. */
int netmap_add (struct netmap *m, const char *spec, struct vmerr *err);

/* The decision for one NIC. */
struct nic_plan {
  const struct vs_nic *nic;
  const char *network;   /* Neutron network name or ID */
  const char *subnet;    /* NULL: any */
  const char *ip;        /* fixed address (ip=keep resolved); NULL: Neutron's choice */
};

/* One plan per NIC, in order (OUT has room for N).  Every NIC must have a
 * mapping or DEFAULT_NETWORK (NULL: none); ip=keep needs the IPv4 address
 * VMware Tools reports.  Otherwise VMERR_PRECONDITION naming every NIC
 * concerned and the flag that fixes it, before anything is created. */
int netmap_plan (const struct netmap *m, const char *default_network,
                 const struct vs_nic *nics, size_t n, struct nic_plan *out, struct vmerr *err);

void netmap_free (struct netmap *m);

#endif
