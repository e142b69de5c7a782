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

/* The guest's IPv4 address per NIC as VMware Tools reports it while the
 * guest runs, kept in the volumes' metadata (META_GUEST_IPS) by every
 * window, so that ip=keep still knows it after the cutover stopped the
 * guest: "4000=10.0.0.5,4001=10.1.2.3", within Cinder's 255 characters
 * (whole entries only).  NULL when no NIC has one, or out of memory. */
#define META_GUEST_IPS "vmigrate_guest_ips"
char *netmap_guest_ips_text (const struct vs_nic *nics, size_t n);

/* Give each NIC that has no address the one TEXT records for its key
 * (addresses from a running guest win).  0, or -1 when out of memory. */
int netmap_guest_ips_apply (const char *text, struct vs_nic *nics, size_t n);

#endif
