/* --network-map: parsing, and matching the source NICs to networks. */
#include "netmap.h"
#include "vector.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool
is_address (const char *s)
{
  unsigned char buf[16];
  return inet_pton (AF_INET, s, buf) == 1 || inet_pton (AF_INET6, s, buf) == 1;
}

static void
entry_free (struct netmap_entry *e)
{
  free (e->source);
  free (e->network);
  free (e->subnet);
  free (e->ip);
}

/* The ",subnet=...,ip=..." options of ENTRY, from TEXT (modified). */
static int
parse_options (char *text, const char *spec, struct netmap_entry *e, struct vmerr *err)
{
  char *save = NULL;

  for (char *opt = strtok_r (text, ",", &save); opt; opt = strtok_r (NULL, ",", &save)) {
    char *val = strchr (opt, '=');
    if (val == NULL || val[1] == '\0')
      return vmerr_set (err, VMERR_USAGE, "--network-map '%s': '%s' is not KEY=VALUE "
                        "(subnet=SUBNET or ip=keep|ADDRESS)", spec, opt);
    *val++ = '\0';
    if (strcmp (opt, "subnet") == 0 && e->subnet == NULL) {
      if ((e->subnet = strdup (val)) == NULL)
        return vmerr_set (err, VMERR_FAILED, "out of memory");
    }
    else if (strcmp (opt, "ip") == 0 && e->ip_mode == NETMAP_IP_AUTO) {
      if (strcmp (val, "keep") == 0)
        e->ip_mode = NETMAP_IP_KEEP;
      else if (is_address (val)) {
        e->ip_mode = NETMAP_IP_FIXED;
        if ((e->ip = strdup (val)) == NULL)
          return vmerr_set (err, VMERR_FAILED, "out of memory");
      }
      else
        return vmerr_set (err, VMERR_USAGE, "--network-map '%s': ip=%s is neither 'keep' nor "
                          "an IPv4 or IPv6 address", spec, val);
    }
    else
      return vmerr_set (err, VMERR_USAGE, "--network-map '%s': unknown or repeated option "
                        "'%s' (options: subnet=SUBNET, ip=keep|ADDRESS)", spec, opt);
  }
  return 0;
}

int
netmap_add (struct netmap *m, const char *spec, struct vmerr *err)
{
  struct netmap_entry e = { 0 };
  char *copy = strdup (spec), *eq, *opts;
  int rc = -1;

  if (copy == NULL)
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  /* The network part ends at the first comma; SOURCE names may hold
   * spaces ("VM Network") but not '='. */
  eq = strchr (copy, '=');
  if (eq == NULL || eq == copy || eq[1] == '\0' || eq[1] == ',') {
    vmerr_set (err, VMERR_USAGE, "--network-map '%s': expected "
               "SOURCE=NETWORK[,subnet=SUBNET][,ip=keep|ADDRESS]", spec);
    goto out;
  }
  *eq = '\0';
  opts = strchr (eq + 1, ',');
  if (opts)
    *opts++ = '\0';
  if ((e.source = strdup (copy)) == NULL || (e.network = strdup (eq + 1)) == NULL) {
    vmerr_set (err, VMERR_FAILED, "out of memory");
    goto out;
  }
  if (opts && parse_options (opts, spec, &e, err) == -1)
    goto out;
  for (size_t i = 0; i < m->n; i++)
    if (strcmp (m->v[i].source, e.source) == 0) {
      vmerr_set (err, VMERR_USAGE, "--network-map: '%s' is mapped twice (to %s and %s)",
                 e.source, m->v[i].network, e.network);
      goto out;
    }
  if (vector_push (m, e) == -1) {
    vmerr_set (err, VMERR_FAILED, "out of memory");
    goto out;
  }
  rc = 0;
out:
  if (rc == -1)
    entry_free (&e);
  free (copy);
  return rc;
}

static const struct netmap_entry *
find (const struct netmap *m, const struct vs_nic *nic)
{
  for (size_t i = 0; i < m->n; i++)
    if ((nic->network && strcmp (m->v[i].source, nic->network) == 0) ||
        (nic->portgroup_key && strcmp (m->v[i].source, nic->portgroup_key) == 0))
      return &m->v[i];
  return NULL;
}

/* Append ", NIC KEY (MAC) on 'NETWORK'" to the list LIST of SIZE bytes. */
static void
list_nic (char *list, size_t size, const struct vs_nic *nic)
{
  size_t len = strlen (list);
  if (len < size)
    snprintf (list + len, size - len, ", NIC %d (%s) on '%s'", nic->key, nic->mac,
              nic->network ? nic->network : nic->portgroup_key ? nic->portgroup_key : "?");
}

int
netmap_plan (const struct netmap *m, const char *default_network,
             const struct vs_nic *nics, size_t n, struct nic_plan *out, struct vmerr *err)
{
  char unmapped[1024] = "", nokeep[1024] = "";

  for (size_t i = 0; i < n; i++) {
    const struct netmap_entry *e = find (m, &nics[i]);
    out[i] = (struct nic_plan) { .nic = &nics[i] };
    if (e == NULL && default_network == NULL) {
      list_nic (unmapped, sizeof unmapped, &nics[i]);
      continue;
    }
    out[i].network = e ? e->network : default_network;
    out[i].subnet = e ? e->subnet : NULL;
    if (e && e->ip_mode == NETMAP_IP_FIXED)
      out[i].ip = e->ip;
    else if (e && e->ip_mode == NETMAP_IP_KEEP && (out[i].ip = vs_nic_ipv4 (&nics[i])) == NULL)
      list_nic (nokeep, sizeof nokeep, &nics[i]);
  }
  /* The lists start with ", ": + 1 keeps the space. */
  if (*unmapped)
    return vmerr_set (err, VMERR_PRECONDITION, "no OpenStack network for%s: map it with "
                      "--network-map 'SOURCE=NETWORK' or give --network NETWORK for every "
                      "NIC without a mapping; nothing was created", unmapped + 1);
  if (*nokeep)
    return vmerr_set (err, VMERR_PRECONDITION, "ip=keep, but VMware Tools reports no IPv4 "
                      "address for%s (is the guest running with VMware Tools?): give "
                      "ip=ADDRESS or leave ip out; nothing was created", nokeep + 1);
  return 0;
}

void
netmap_free (struct netmap *m)
{
  for (size_t i = 0; i < m->n; i++)
    entry_free (&m->v[i]);
  free (m->v);
  m->v = NULL;
  m->n = m->cap = 0;
}

char *
netmap_guest_ips_text (const struct vs_nic *nics, size_t n)
{
  char buf[256] = "";
  size_t len = 0;

  for (size_t i = 0; i < n; i++) {
    const char *ip = vs_nic_ipv4 (&nics[i]);
    char entry[64];
    int k = ip ? snprintf (entry, sizeof entry, "%s%d=%s", len ? "," : "", nics[i].key, ip) : 0;
    if (k <= 0 || (size_t) k >= sizeof entry || len + (size_t) k >= sizeof buf)
      continue;
    memcpy (buf + len, entry, (size_t) k + 1);
    len += (size_t) k;
  }
  return len ? strdup (buf) : NULL;
}

int
netmap_guest_ips_apply (const char *text, struct vs_nic *nics, size_t n)
{
  char *copy = text ? strdup (text) : NULL, *save = NULL;

  if (text && copy == NULL)
    return -1;
  for (char *e = copy ? strtok_r (copy, ",", &save) : NULL; e; e = strtok_r (NULL, ",", &save)) {
    char *eq = strchr (e, '='), *end = NULL;
    long key = eq ? strtol (e, &end, 10) : 0;
    if (eq == NULL || end != eq || !is_address (eq + 1))
      continue;  /* not ours to trust */
    for (size_t i = 0; i < n; i++) {
      if (nics[i].key != key || nics[i].nips > 0)
        continue;
      if ((nics[i].ips = malloc (sizeof *nics[i].ips)) == NULL ||
          (nics[i].ips[0] = strdup (eq + 1)) == NULL) {
        free (nics[i].ips);
        nics[i].ips = NULL;
        free (copy);
        return -1;
      }
      nics[i].nips = 1;
    }
  }
  free (copy);
  return 0;
}
