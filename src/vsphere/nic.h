#ifndef VMIGRATE_VSPHERE_NIC_H
#define VMIGRATE_VSPHERE_NIC_H

#include <libxml/tree.h>
#include <stdbool.h>
#include <stddef.h>

#include "soap.h"

/* A VM's network adapters as vSphere describes them: the
 * VirtualEthernetCard devices of config.hardware.device, their network
 * (a standard network by name, or a distributed portgroup by key, whose
 * name comes from the VM's `network` list), and what VMware Tools reports
 * of them in guest.net.  Not thread-safe: one owner per array. */

struct vs_nic {
  int key;               /* device key (4000...) */
  char *device_type;     /* VirtualVmxnet3, VirtualE1000e, ...; NULL without xsi:type */
  char *mac;             /* macAddress, lower case */
  char *network;         /* network or portgroup name; NULL until resolved */
  char *portgroup_key;   /* distributed portgroup key; NULL on a standard network */
  bool connected;        /* connectable.connected */
  size_t nips;
  char **ips;            /* guest.net ipAddress of this NIC (VMware Tools), as reported */
};

/* The NICs among the devices of an ArrayOfVirtualDevice <val> (DEVICES),
 * in device order, with the addresses of the GuestNicInfo entries of
 * GUEST_NET (guest.net's <val>, may be NULL) whose deviceConfigId is their
 * key.  0, or -1 when out of memory (*NICS is then freed). */
int vs_nics_parse (xmlNode *devices, xmlNode *guest_net, struct vs_nic **nics, size_t *n);

/* Name the NICs on distributed portgroups: read name and key of every
 * DistributedVirtualPortgroup in NETWORKS (the VM's `network` <val>).
 * A NIC whose portgroup is not listed keeps network NULL. */
int vs_nics_resolve (struct vs_conn *c, xmlNode *networks, struct vs_nic *nics, size_t n,
                     struct vmerr *err);

/* The first IPv4 address of NIC, or NULL. */
const char *vs_nic_ipv4 (const struct vs_nic *nic);

void vs_nics_free (struct vs_nic *nics, size_t n);

#endif
