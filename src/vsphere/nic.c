/* A VM's network adapters: devices, networks, guest addresses. */
#include "nic.h"
#include "props.h"
#include "vector.h"
#include "xml.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The addresses VMware Tools reports for device KEY in guest.net. */
static int
guest_ips (xmlNode *guest_net, int key, struct vs_nic *nic)
{
  size_t cap = 0;

  for (xmlNode *g = guest_net ? guest_net->children : NULL; g; g = g->next) {
    int64_t id;
    if (g->type != XML_ELEMENT_NODE || !xml_child_int64 (g, "deviceConfigId", &id) || id != key)
      continue;
    for (xmlNode *a = xml_child (g, "ipAddress"); a; a = xml_next_same (a)) {
      char *ip = xml_text (a);
      if (ip == NULL || vector_grow (&nic->ips, &cap, nic->nips + 1, sizeof *nic->ips) == -1) {
        free (ip);
        return -1;
      }
      nic->ips[nic->nips++] = ip;
    }
  }
  return 0;
}

static int
parse_nic (xmlNode *dev, xmlNode *guest_net, struct vs_nic *nic)
{
  xmlNode *backing = xml_child (dev, "backing");
  char *btype = backing ? xml_xsi_type (backing) : NULL;
  int64_t key = 0;

  xml_child_int64 (dev, "key", &key);
  nic->key = (int) key;
  nic->device_type = xml_xsi_type (dev);
  nic->mac = xml_child_text (dev, "macAddress");
  for (char *p = nic->mac; p && *p; p++)
    *p = (char) tolower ((unsigned char) *p);
  nic->connected = xml_child_bool (xml_child (dev, "connectable"), "connected", false);
  if (btype && strcmp (btype, "VirtualEthernetCardNetworkBackingInfo") == 0)
    nic->network = xml_child_text (backing, "deviceName");
  else if (btype && strcmp (btype, "VirtualEthernetCardDistributedVirtualPortBackingInfo") == 0)
    nic->portgroup_key = xml_child_text (xml_child (backing, "port"), "portgroupKey");
  free (btype);
  if (nic->mac == NULL) /* the element is there: only memory can lack */
    return -1;
  return guest_ips (guest_net, nic->key, nic);
}

int
vs_nics_parse (xmlNode *devices, xmlNode *guest_net, struct vs_nic **nics, size_t *n)
{
  size_t cap = 0;

  *nics = NULL;
  *n = 0;
  for (xmlNode *d = devices ? devices->children : NULL; d; d = d->next) {
    /* An ethernet card is the device with a MAC address. */
    if (d->type != XML_ELEMENT_NODE || xml_child (d, "macAddress") == NULL)
      continue;
    if (vector_grow (nics, &cap, *n + 1, sizeof **nics) == -1)
      goto oom;
    memset (&(*nics)[*n], 0, sizeof **nics);
    (*n)++;
    if (parse_nic (d, guest_net, &(*nics)[*n - 1]) == -1)
      goto oom;
  }
  return 0;
oom:
  vs_nics_free (*nics, *n);
  *nics = NULL;
  *n = 0;
  return -1;
}

int
vs_nics_resolve (struct vs_conn *c, xmlNode *networks, struct vs_nic *nics, size_t n,
                 struct vmerr *err)
{
  static const char *const paths[] = { "name", "key", NULL };
  bool wanted = false;

  for (size_t i = 0; i < n; i++)
    wanted |= nics[i].portgroup_key != NULL && nics[i].network == NULL;
  for (xmlNode *m = networks ? networks->children : NULL; wanted && m; m = m->next) {
    xmlChar *type = m->type == XML_ELEMENT_NODE ? xmlGetProp (m, (const xmlChar *) "type") : NULL;
    bool pg = type && strcmp ((const char *) type, "DistributedVirtualPortgroup") == 0;
    char *moref = pg ? xml_text (m) : NULL;
    struct vs_props p;
    int rc;

    xmlFree (type);
    if (!pg)
      continue;
    if (moref == NULL)
      return vmerr_set (err, VMERR_FAILED, "out of memory");
    rc = vs_get_props (c, "DistributedVirtualPortgroup", moref, paths, &p, err);
    free (moref);
    if (rc == -1)
      return -1;
    char *key = vs_prop_text (&p, "key");
    for (size_t i = 0; key && i < n; i++)
      if (nics[i].portgroup_key && nics[i].network == NULL &&
          strcmp (nics[i].portgroup_key, key) == 0)
        nics[i].network = vs_prop_text (&p, "name");
    free (key);
    vs_props_free (&p);
  }
  return 0;
}

const char *
vs_nic_ipv4 (const struct vs_nic *nic)
{
  for (size_t i = 0; i < nic->nips; i++)
    if (strchr (nic->ips[i], ':') == NULL && strchr (nic->ips[i], '.') != NULL)
      return nic->ips[i];
  return NULL;
}

void
vs_nics_free (struct vs_nic *nics, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    free (nics[i].device_type);
    free (nics[i].mac);
    free (nics[i].network);
    free (nics[i].portgroup_key);
    for (size_t j = 0; j < nics[i].nips; j++)
      free (nics[i].ips[j]);
    free (nics[i].ips);
  }
  free (nics);
}
