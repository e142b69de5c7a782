/* The instance's plan before anything is created: --network-map parsing,
 * NICs matched to networks (by vSphere name or portgroup key, else
 * --network), ip=keep from VMware Tools, and --flavor auto's choice. */
#include "check.h"
#include "flavor-pick.h"
#include "netmap.h"

#include <stdlib.h>

static struct vs_nic
nic (int key, const char *mac, const char *net, const char *pg, const char *ip)
{
  struct vs_nic n = { .key = key, .mac = (char *) mac, .network = (char *) net,
                      .portgroup_key = (char *) pg };
  if (ip) {
    n.nips = 1;
    n.ips = malloc (sizeof *n.ips);
    n.ips[0] = (char *) ip;
  }
  return n;
}

static void
test_parse (void)
{
  struct netmap m = { 0 };
  struct vmerr err = { 0 };

  CHECK (netmap_add (&m, "VM Network=public", &err) == 0);
  CHECK (netmap_add (&m, "dvs-prod=prod-net,subnet=prod-v4,ip=keep", &err) == 0);
  CHECK (netmap_add (&m, "backup=9f1c,ip=10.0.0.7", &err) == 0);
  CHECK (m.n == 3);
  CHECK_STR (m.v[0].source, "VM Network");
  CHECK_STR (m.v[0].network, "public");
  CHECK (m.v[0].subnet == NULL && m.v[0].ip_mode == NETMAP_IP_AUTO);
  CHECK_STR (m.v[1].subnet, "prod-v4");
  CHECK (m.v[1].ip_mode == NETMAP_IP_KEEP);
  CHECK (m.v[2].ip_mode == NETMAP_IP_FIXED);
  CHECK_STR (m.v[2].ip, "10.0.0.7");

  static const char *const bad[] = {
    "public", "=public", "VM Network=", "a=b,ip=300.1.1.1", "a=b,mtu=9000", "a=b,subnet=",
    "a=b,subnet=x,subnet=y", "a=,subnet=x", "VM Network=other", NULL,
  };
  for (int i = 0; bad[i]; i++) {
    err = (struct vmerr) { 0 };
    CHECK (netmap_add (&m, bad[i], &err) == -1);
    CHECK (err.code == VMERR_USAGE);
    CHECK (strstr (err.msg, "--network-map") != NULL);
  }
  CHECK (m.n == 3);  /* nothing half-added */
  err = (struct vmerr) { 0 };
  CHECK (netmap_add (&m, "x=y,ip=fd00::5", &err) == 0);
  CHECK (m.v[3].ip_mode == NETMAP_IP_FIXED);
  netmap_free (&m);
}

static void
test_plan (void)
{
  struct netmap m = { 0 };
  struct vmerr err = { 0 };
  struct vs_nic nics[3] = {
    nic (4000, "00:50:56:00:00:01", "VM Network", NULL, NULL),
    nic (4001, "00:50:56:00:00:02", "dvs-prod", "dvportgroup-12", "192.168.1.9"),
    nic (4002, "00:50:56:00:00:03", NULL, "dvportgroup-99", NULL),
  };
  struct nic_plan plan[3];

  CHECK (netmap_add (&m, "VM Network=public", &err) == 0);
  CHECK (netmap_add (&m, "dvs-prod=prod,ip=keep", &err) == 0);
  /* A NIC without a mapping and no --network: an error naming it. */
  CHECK (netmap_plan (&m, NULL, nics, 3, plan, &err) == -1);
  CHECK (err.code == VMERR_PRECONDITION);
  CHECK (strstr (err.msg, "NIC 4002 (00:50:56:00:00:03) on 'dvportgroup-99'") != NULL);
  CHECK (strstr (err.msg, "4000") == NULL && strstr (err.msg, "--network") != NULL);
  /* --network covers it; the portgroup key may also be mapped directly. */
  err = (struct vmerr) { 0 };
  CHECK (netmap_plan (&m, "private", nics, 3, plan, &err) == 0);
  CHECK_STR (plan[0].network, "public");
  CHECK (plan[0].ip == NULL && plan[0].nic == &nics[0]);
  CHECK_STR (plan[1].network, "prod");
  CHECK_STR (plan[1].ip, "192.168.1.9");
  CHECK_STR (plan[2].network, "private");
  CHECK (netmap_add (&m, "dvportgroup-99=backup,subnet=b4", &err) == 0);
  CHECK (netmap_plan (&m, NULL, nics, 3, plan, &err) == 0);
  CHECK_STR (plan[2].network, "backup");
  CHECK_STR (plan[2].subnet, "b4");
  /* ip=keep with no address from VMware Tools. */
  free (nics[1].ips);
  nics[1].ips = NULL;
  nics[1].nips = 0;
  err = (struct vmerr) { 0 };
  CHECK (netmap_plan (&m, NULL, nics, 3, plan, &err) == -1);
  CHECK (strstr (err.msg, "ip=keep") != NULL && strstr (err.msg, "NIC 4001") != NULL);
  netmap_free (&m);
}

static void
test_flavor (void)
{
  const struct flavor_info f[] = {
    { "5", "m1.xlarge", 8, 16384, 160 }, { "2", "m1.small", 1, 2048, 20 },
    { "3", "m1.medium", 2, 4096, 40 }, { "9", "c1.medium", 2, 4096, 0 },
    { "4", "m1.large", 4, 8192, 80 }, { "1", "m1.tiny", 1, 512, 1 },
  };
  size_t n = sizeof f / sizeof f[0];

  CHECK_STR (flavor_pick (f, n, 2, 4096)->name, "c1.medium");  /* less disk wins */
  CHECK_STR (flavor_pick (f, n, 1, 1024)->name, "m1.small");
  CHECK_STR (flavor_pick (f, n, 3, 1024)->name, "m1.large");
  CHECK_STR (flavor_pick (f, n, 2, 6000)->name, "m1.large");
  CHECK (flavor_pick (f, n, 16, 1024) == NULL);
  CHECK (flavor_pick (f, 0, 1, 1) == NULL);
}

static void
test_guest_ips (void)
{
  struct vs_nic nics[3] = {
    nic (4000, "00:50:56:00:00:01", "a", NULL, "10.0.0.5"),
    nic (4001, "00:50:56:00:00:02", "b", NULL, NULL),
    nic (4002, "00:50:56:00:00:03", "c", NULL, "fd00::7"),
  };
  char *text = netmap_guest_ips_text (nics, 3);

  CHECK_STR (text, "4000=10.0.0.5");  /* IPv4 only: what ip=keep uses */
  free (text);
  CHECK (netmap_guest_ips_text (nics + 1, 1) == NULL);
  /* After the cutover the guest is off: the record fills the NICs without
   * an address; junk entries and unknown keys are ignored. */
  CHECK (netmap_guest_ips_apply ("4000=10.9.9.9,4001=10.0.0.6,4009=1.2.3.4,x=y,4002=nope",
                                 nics, 3) == 0);
  CHECK_STR (nics[0].ips[0], "10.0.0.5");
  CHECK (nics[1].nips == 1);
  CHECK_STR (nics[1].ips[0], "10.0.0.6");
  CHECK (nics[2].nips == 1);
  CHECK (netmap_guest_ips_apply (NULL, nics, 3) == 0);
  free (nics[0].ips);
  free (nics[1].ips[0]);
  free (nics[1].ips);
  free (nics[2].ips);
}

int
main (void)
{
  test_guest_ips ();
  test_parse ();
  test_plan ();
  test_flavor ();
  CHECK_DONE ();
}
