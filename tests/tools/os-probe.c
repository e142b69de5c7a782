/* os-probe: drives the OpenStack client library (src/openstack/) from the
 * scenario tests in tests/openstack/.  Test equipment, not part of vmigrate.
 * Credentials come from the OS_* environment or clouds.yaml (--os-cloud,
 * OS_CLOUD) exactly as vmigrate reads them: never from the command line.
 *
 *   os-probe [--os-cloud NAME] [-v] COMMAND [ARGS...]
 *   os-probe [--os-cloud NAME] [-v] batch < COMMANDS   (one session; "!CMD" runs a shell)
 *
 * On failure it prints "os-probe: MESSAGE" and exits with the error's code
 * (vmigrate's exit codes: 10 credentials refused, 5 OpenStack error, ...). */
#include "log.h"
#include "auth-load.h"
#include "cinder.h"
#include "conn.h"
#include "metadata.h"
#include "neutron.h"
#include "nova.h"
#include "server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WAIT_S 60

struct probe {
  const char *cloud;     /* --os-cloud / OS_CLOUD, or NULL for OS_* variables */
  struct os_conn *c;     /* connected on first use */
};

typedef int (*cmd_fn) (struct probe *p, int argc, char **argv, struct vmerr *err);

static int
conn (struct probe *p, struct vmerr *err)
{
  struct os_auth a;
  int rc;

  if (p->c)
    return 0;
  rc = os_auth_load (&a, p->cloud, err);
  if (rc == 0 && (p->c = os_connect (&a, err)) == NULL)
    rc = -1;
  os_auth_free (&a);
  return rc;
}

/* Add each KEY=VALUE of ARGV to KV; other words are left alone. */
static int
parse_pairs (int argc, char **argv, struct kv *kv, struct vmerr *err)
{
  for (int i = 0; i < argc; i++) {
    char *eq = strchr (argv[i], '=');
    if (eq == NULL || argv[i][0] == '-')
      continue;
    *eq = '\0';
    int rc = kv_set (kv, argv[i], eq + 1);
    *eq = '=';
    if (rc == -1)
      return vmerr_set (err, VMERR_FAILED, "out of memory");
  }
  return 0;
}

/* Value of option NAME (--type T) in ARGV, or NULL. */
static const char *
option (int argc, char **argv, const char *name)
{
  for (int i = 0; i + 1 < argc; i++)
    if (strcmp (argv[i], name) == 0)
      return argv[i + 1];
  return NULL;
}

static bool
flag (int argc, char **argv, const char *name)
{
  for (int i = 0; i < argc; i++)
    if (strcmp (argv[i], name) == 0)
      return true;
  return false;
}

static void
print_kv (const char *prefix, const struct kv *kv)
{
  for (size_t i = 0; i < kv->n; i++)
    printf ("%s%s=%s\n", prefix, kv->items[i].key, kv->items[i].value);
}

static int
cmd_connect (struct probe *p, int argc, char **argv, struct vmerr *err)
{
  printf ("project %s\ncinder %s\nnova %s\n", p->c->project_id, p->c->volume_url,
          p->c->compute_url);
  return 0;
}

static int
cmd_logins (struct probe *p, int argc, char **argv, struct vmerr *err)
{
  printf ("%u\n", p->c->logins);
  return 0;
}

/* create SIZE NAME [KEY=VALUE...] [--type T] [--az Z] [--no-wait] */
static int
cmd_create (struct probe *p, int argc, char **argv, struct vmerr *err)
{
  struct kv meta = { 0 };
  struct os_volume_spec spec = {
    .size_gib = strtoll (argv[0], NULL, 10), .name = argv[1],
    .volume_type = option (argc, argv, "--type"),
    .availability_zone = option (argc, argv, "--az"), .metadata = &meta,
  };
  char *id = NULL;
  int rc = parse_pairs (argc - 2, argv + 2, &meta, err);

  if (rc == 0)
    rc = os_volume_create (p->c, &spec, &id, err);
  if (rc == 0 && !flag (argc, argv, "--no-wait"))
    rc = os_volume_wait (p->c, id, "available", WAIT_S, NULL, err);
  if (id)
    printf ("%s\n", id);
  free (id);
  kv_free (&meta);
  return rc;
}

static int
cmd_show (struct probe *p, int argc, char **argv, struct vmerr *err)
{
  struct os_volume v;
  int rc = os_volume_show (p->c, argv[0], &v, err);

  if (rc == 0) {
    printf ("id=%s\nstatus=%s\nsize=%lld\nname=%s\ntype=%s\nbootable=%s\nencrypted=%s\n", v.id,
            v.status, (long long) v.size_gib, v.name ? v.name : "",
            v.volume_type ? v.volume_type : "", v.bootable ? "true" : "false",
            v.encrypted ? "true" : "false");
    print_kv ("meta.", &v.metadata);
    print_kv ("image.", &v.image_metadata);
    for (size_t i = 0; i < v.nattachments; i++)
      printf ("attached=%s\n", v.attachments[i].server_id);
  }
  os_volume_free (&v);
  return rc;
}

/* find [--name N] [KEY=VALUE...] */
static int
cmd_find (struct probe *p, int argc, char **argv, struct vmerr *err)
{
  struct kv meta = { 0 };
  struct os_volume_list l = { 0 };
  const char *name = option (argc, argv, "--name");
  int rc = parse_pairs (argc, argv, &meta, err);

  if (rc == 0)
    rc = os_volume_find (p->c, name, meta.n ? &meta : NULL, &l, err);
  for (size_t i = 0; rc == 0 && i < l.n; i++)
    printf ("%s\n", l.items[i].id);
  os_volume_list_free (&l);
  kv_free (&meta);
  return rc;
}

static int
cmd_meta_set (struct probe *p, int argc, char **argv, struct vmerr *err)
{
  struct kv meta = { 0 };
  int rc = parse_pairs (argc - 1, argv + 1, &meta, err);

  if (rc == 0)
    rc = os_volume_metadata_set (p->c, argv[0], &meta, err);
  kv_free (&meta);
  return rc;
}

static int
cmd_meta_del (struct probe *p, int argc, char **argv, struct vmerr *err)
{
  return os_volume_metadata_delete (p->c, argv[0], argv[1], err);
}

static int
cmd_meta_get (struct probe *p, int argc, char **argv, struct vmerr *err)
{
  struct kv meta = { 0 };
  int rc = os_volume_metadata_get (p->c, argv[0], &meta, err);

  if (rc == 0)
    print_kv ("", &meta);
  kv_free (&meta);
  return rc;
}

static int
cmd_wait (struct probe *p, int argc, char **argv, struct vmerr *err)
{
  return os_volume_wait (p->c, argv[0], argv[1], argc > 2 ? atoi (argv[2]) : WAIT_S, NULL, err);
}

static int
cmd_bootable (struct probe *p, int argc, char **argv, struct vmerr *err)
{
  return os_volume_set_bootable (p->c, argv[0], strcmp (argv[1], "true") == 0, err);
}

static int
cmd_image_meta (struct probe *p, int argc, char **argv, struct vmerr *err)
{
  struct kv meta = { 0 };
  int rc = parse_pairs (argc - 1, argv + 1, &meta, err);

  if (rc == 0)
    rc = os_volume_set_image_metadata (p->c, argv[0], &meta, err);
  kv_free (&meta);
  return rc;
}

/* extend ID GIB: waits until the volume is back in its previous status. */
static int
cmd_extend (struct probe *p, int argc, char **argv, struct vmerr *err)
{
  struct os_volume v;
  int rc = os_volume_show (p->c, argv[0], &v, err);

  if (rc == 0)
    rc = os_volume_extend (p->c, argv[0], strtoll (argv[1], NULL, 10), err);
  if (rc == 0)
    rc = os_volume_wait (p->c, argv[0], v.status, WAIT_S, NULL, err);
  os_volume_free (&v);
  return rc;
}

static int
cmd_delete (struct probe *p, int argc, char **argv, struct vmerr *err)
{
  if (os_volume_delete (p->c, argv[0], flag (argc, argv, "--cascade"), err) == -1)
    return -1;
  return os_volume_wait (p->c, argv[0], "deleted", WAIT_S, NULL, err);
}

static int
cmd_snap_create (struct probe *p, int argc, char **argv, struct vmerr *err)
{
  char *id = NULL;
  int rc = os_snapshot_create (p->c, argv[0], argv[1], "os-probe", NULL, true, &id, err);

  if (rc == 0)
    rc = os_snapshot_wait (p->c, id, "available", WAIT_S, err);
  if (id)
    printf ("%s\n", id);
  free (id);
  return rc;
}

static int
cmd_snap_list (struct probe *p, int argc, char **argv, struct vmerr *err)
{
  struct os_snapshot_list l;
  int rc = os_snapshot_list (p->c, argv[0], &l, err);

  for (size_t i = 0; rc == 0 && i < l.n; i++)
    printf ("%s %s %s\n", l.items[i].id, l.items[i].status, l.items[i].name ? l.items[i].name : "");
  os_snapshot_list_free (&l);
  return rc;
}

static int
cmd_snap_delete (struct probe *p, int argc, char **argv, struct vmerr *err)
{
  if (os_snapshot_delete (p->c, argv[0], err) == -1)
    return -1;
  return os_snapshot_wait (p->c, argv[0], "deleted", WAIT_S, err);
}

static int
cmd_revert (struct probe *p, int argc, char **argv, struct vmerr *err)
{
  if (os_volume_revert (p->c, argv[0], argv[1], err) == -1)
    return -1;
  return os_volume_wait (p->c, argv[0], "available", WAIT_S, NULL, err);
}

static int
cmd_type_encrypted (struct probe *p, int argc, char **argv, struct vmerr *err)
{
  enum os_encryption e;

  if (os_volume_type_encryption (p->c, argc > 0 ? argv[0] : NULL, &e, err) == -1)
    return -1;
  printf ("%s\n", e == OS_ENCRYPTION_LUKS ? "luks" : e == OS_ENCRYPTION_NONE ? "none" : "unknown");
  return 0;
}

/* attach SERVER VOLUME [DEVDIR]: until in-use (and the device is there). */
static int
cmd_attach (struct probe *p, int argc, char **argv, struct vmerr *err)
{
  char *device = NULL, *path = NULL;
  int rc = os_server_attach (p->c, argv[0], argv[1], &device, err);

  if (rc == 0)
    rc = os_volume_wait (p->c, argv[1], "in-use", WAIT_S, NULL, err);
  if (rc == 0 && argc > 2)
    rc = os_device_wait (argv[2], argv[1], true, WAIT_S, &path, err);
  if (rc == 0)
    printf ("%s\n", path ? path : device ? device : "");
  free (device);
  free (path);
  return rc;
}

/* detach SERVER VOLUME [DEVDIR]: until available (and the device is gone). */
static int
cmd_detach (struct probe *p, int argc, char **argv, struct vmerr *err)
{
  int rc = os_server_detach (p->c, argv[0], argv[1], err);

  if (rc == 0)
    rc = os_volume_wait (p->c, argv[1], "available", WAIT_S, NULL, err);
  if (rc == 0 && argc > 2)
    rc = os_device_wait (argv[2], argv[1], false, WAIT_S, NULL, err);
  return rc;
}

static int
cmd_attachments (struct probe *p, int argc, char **argv, struct vmerr *err)
{
  struct os_attachment_list l;
  int rc = os_server_attachments (p->c, argv[0], &l, err);

  for (size_t i = 0; rc == 0 && i < l.n; i++)
    printf ("%s %s\n", l.items[i].volume_id, l.items[i].device ? l.items[i].device : "");
  os_attachment_list_free (&l);
  return rc;
}

static int
cmd_server (struct probe *p, int argc, char **argv, struct vmerr *err)
{
  bool exists;
  char *name = NULL;
  int rc = os_server_exists (p->c, argv[0], &exists, &name, err);

  if (rc == 0)
    printf (exists ? "exists %s\n" : "missing\n", name ? name : "");
  free (name);
  return rc;
}

/* instance-uuid [BASE_URL] [TIMEOUT_S]: TLS settings from OS_CACERT. */
static int
cmd_instance_uuid (struct probe *p, int argc, char **argv, struct vmerr *err)
{
  struct http_opts h = { .ca_file = getenv ("OS_CACERT") };
  char *uuid;

  if (os_instance_uuid (argc > 0 ? argv[0] : NULL, &h, argc > 1 ? atol (argv[1]) : 5, &uuid,
                        err) == -1)
    return -1;
  printf ("%s\n", uuid);
  free (uuid);
  return 0;
}

/* net-find network|subnet|security-group WHAT [NETWORK_ID]: prints the ID. */
static int
cmd_net_find (struct probe *p, int argc, char **argv, struct vmerr *err)
{
  enum os_net_kind k = strcmp (argv[0], "subnet") == 0 ? OS_NET_SUBNET
                       : strcmp (argv[0], "security-group") == 0 ? OS_NET_SECURITY_GROUP
                       : OS_NET_NETWORK;
  char *id = NULL;
  int rc = os_net_find (p->c, k, argv[1], argc > 2 ? argv[2] : NULL, &id, err);

  if (rc == 0)
    printf ("%s\n", id);
  free (id);
  return rc;
}

static void
print_port (const struct os_port *port)
{
  printf ("port %s name %s mac %s network %s device %s status %s ips", port->id,
          port->name ? port->name : "-", port->mac ? port->mac : "-",
          port->network_id ? port->network_id : "-",
          port->device_id && *port->device_id ? port->device_id : "-",
          port->status ? port->status : "-");
  for (size_t i = 0; i < port->nips; i++)
    printf (" %s", port->ips[i]);
  putchar ('\n');
}

/* port-create NAME NETWORK_ID [mac=M] [ip=A] [subnet=S] [sg=ID]...:
 * prints the port, or "status N" before failing. */
static int
cmd_port_create (struct probe *p, int argc, char **argv, struct vmerr *err)
{
  const char *sgs[8];
  struct os_port_spec spec = { .name = argv[0], .network_id = argv[1], .security_groups = sgs };
  struct os_port port;
  long status = 0;

  for (int i = 2; i < argc; i++) {
    if (strncmp (argv[i], "mac=", 4) == 0)
      spec.mac = argv[i] + 4;
    else if (strncmp (argv[i], "ip=", 3) == 0)
      spec.ip = argv[i] + 3;
    else if (strncmp (argv[i], "subnet=", 7) == 0)
      spec.subnet_id = argv[i] + 7;
    else if (strncmp (argv[i], "sg=", 3) == 0 && spec.nsecurity_groups < 8)
      sgs[spec.nsecurity_groups++] = argv[i] + 3;
    else
      return vmerr_set (err, VMERR_USAGE, "port-create: unknown argument %s", argv[i]);
  }
  if (os_port_create (p->c, &spec, &port, &status, err) == -1) {
    printf ("status %ld\n", status);
    return -1;
  }
  print_port (&port);
  os_port_free (&port);
  return 0;
}

/* port-find NAME: the port, or "none". */
static int
cmd_port_find (struct probe *p, int argc, char **argv, struct vmerr *err)
{
  struct os_port port;
  int found = 0;

  (void) argc;
  if (os_port_find (p->c, argv[0], &found, &port, err) == -1)
    return -1;
  if (found) {
    print_port (&port);
    os_port_free (&port);
  }
  else
    puts ("none");
  return 0;
}

static int
cmd_port_delete (struct probe *p, int argc, char **argv, struct vmerr *err)
{
  (void) argc;
  return os_port_delete (p->c, argv[0], err);
}

/* flavor-list: "ID NAME VCPUS RAM DISK" lines. */
static int
cmd_flavor_list (struct probe *p, int argc, char **argv, struct vmerr *err)
{
  struct os_flavor_list l;

  (void) argc, (void) argv;
  if (os_flavor_list (p->c, &l, err) == -1)
    return -1;
  for (size_t i = 0; i < l.n; i++)
    printf ("%s %s %d %lld %lld\n", l.v[i].id, l.v[i].name, l.v[i].vcpus,
            (long long) l.v[i].ram_mb, (long long) l.v[i].disk_gb);
  os_flavor_list_free (&l);
  return 0;
}

/* flavor-create NAME VCPUS RAM_MB: prints the ID. */
static int
cmd_flavor_create (struct probe *p, int argc, char **argv, struct vmerr *err)
{
  char *id = NULL;
  int rc;

  (void) argc;
  rc = os_flavor_create (p->c, argv[0], atoi (argv[1]), atoll (argv[2]), &id, err);
  if (rc == 0)
    printf ("%s\n", id);
  free (id);
  return rc;
}

/* Split a comma list in place into at most MAX words. */
static size_t
split_commas (char *text, const char **out, size_t max)
{
  size_t n = 0;
  char *save = NULL;

  for (char *w = strtok_r (text, ",", &save); w && n < max; w = strtok_r (NULL, ",", &save))
    out[n++] = w;
  return n;
}

/* server-create NAME FLAVOR_ID VOL[,VOL...] PORT[,PORT...]|- [key=K] [az=Z]
 * [meta=K=V]... [user-data=TEXT]: prints the ID, or "status N". */
static int
cmd_server_create (struct probe *p, int argc, char **argv, struct vmerr *err)
{
  const char *vols[8], *ports[8];
  struct kv meta = { 0 };
  struct os_server_spec spec = { .name = argv[0], .flavor_id = argv[1], .volume_ids = vols,
                                 .port_ids = ports, .metadata = &meta };
  char *id = NULL;
  long status = 0;
  int rc = 0;

  spec.nvolumes = split_commas (argv[2], vols, 8);
  spec.nports = strcmp (argv[3], "-") == 0 ? 0 : split_commas (argv[3], ports, 8);
  for (int i = 4; rc == 0 && i < argc; i++) {
    char *eq;
    if (strncmp (argv[i], "key=", 4) == 0)
      spec.key_name = argv[i] + 4;
    else if (strncmp (argv[i], "az=", 3) == 0)
      spec.availability_zone = argv[i] + 3;
    else if (strncmp (argv[i], "user-data=", 10) == 0)
      spec.user_data = argv[i] + 10;
    else if (strncmp (argv[i], "meta=", 5) == 0 && (eq = strchr (argv[i] + 5, '=')) != NULL) {
      *eq = '\0';
      rc = kv_set (&meta, argv[i] + 5, eq + 1);
    }
    else
      rc = vmerr_set (err, VMERR_USAGE, "server-create: unknown argument %s", argv[i]);
  }
  if (rc == 0 && (rc = os_server_create (p->c, &spec, &id, &status, err)) == 0)
    printf ("%s\n", id);
  else if (status)
    printf ("status %ld\n", status);
  free (id);
  kv_free (&meta);
  return rc;
}

/* server-show ID: "status S fault F addresses A", or "none". */
static int
cmd_server_show (struct probe *p, int argc, char **argv, struct vmerr *err)
{
  struct os_server s;
  int found;

  (void) argc;
  if (os_server_show (p->c, argv[0], &found, &s, err) == -1)
    return -1;
  if (!found) {
    puts ("none");
    return 0;
  }
  printf ("name %s status %s fault %s addresses %s\n", s.name ? s.name : "-",
          s.status ? s.status : "-", s.fault ? s.fault : "-", s.addresses);
  for (size_t i = 0; i < s.metadata.n; i++)
    printf ("meta %s=%s\n", s.metadata.items[i].key, s.metadata.items[i].value);
  os_server_free (&s);
  return 0;
}

static int
cmd_server_find (struct probe *p, int argc, char **argv, struct vmerr *err)
{
  char *id = NULL;

  (void) argc;
  if (os_server_find (p->c, argv[0], &id, err) == -1)
    return -1;
  puts (id ? id : "none");
  free (id);
  return 0;
}

static int
cmd_server_delete (struct probe *p, int argc, char **argv, struct vmerr *err)
{
  (void) argc;
  return os_server_delete (p->c, argv[0], err);
}

static const struct {
  const char *name;   /* command word */
  int min_args;       /* arguments it needs at least */
  bool connect;       /* needs a Keystone session */
  cmd_fn fn;
} commands[] = {
  { "connect", 0, true, cmd_connect },
  { "logins", 0, true, cmd_logins },
  { "create", 2, true, cmd_create },
  { "show", 1, true, cmd_show },
  { "find", 0, true, cmd_find },
  { "meta-set", 2, true, cmd_meta_set },
  { "meta-del", 2, true, cmd_meta_del },
  { "meta-get", 1, true, cmd_meta_get },
  { "wait", 2, true, cmd_wait },
  { "bootable", 2, true, cmd_bootable },
  { "image-meta", 2, true, cmd_image_meta },
  { "extend", 2, true, cmd_extend },
  { "delete", 1, true, cmd_delete },
  { "snap-create", 2, true, cmd_snap_create },
  { "snap-list", 1, true, cmd_snap_list },
  { "snap-delete", 1, true, cmd_snap_delete },
  { "revert", 2, true, cmd_revert },
  { "type-encrypted", 0, true, cmd_type_encrypted },
  { "attach", 2, true, cmd_attach },
  { "detach", 2, true, cmd_detach },
  { "attachments", 1, true, cmd_attachments },
  { "server", 1, true, cmd_server },
  { "instance-uuid", 0, false, cmd_instance_uuid },
  { "net-find", 2, true, cmd_net_find },
  { "port-create", 2, true, cmd_port_create },
  { "port-find", 1, true, cmd_port_find },
  { "port-delete", 1, true, cmd_port_delete },
  { "flavor-list", 0, true, cmd_flavor_list },
  { "flavor-create", 3, true, cmd_flavor_create },
  { "server-create", 4, true, cmd_server_create },
  { "server-show", 1, true, cmd_server_show },
  { "server-find", 1, true, cmd_server_find },
  { "server-delete", 1, true, cmd_server_delete },
};

static int
run (struct probe *p, int argc, char **argv, struct vmerr *err)
{
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
    if (strcmp (argv[0], commands[i].name) != 0)
      continue;
    if (argc - 1 < commands[i].min_args)
      return vmerr_set (err, VMERR_USAGE, "%s needs %d arguments", argv[0],
                        commands[i].min_args);
    if (commands[i].connect && conn (p, err) == -1)
      return -1;
    int rc = commands[i].fn (p, argc - 1, argv + 1, err);
    fflush (stdout);
    return rc;
  }
  return vmerr_set (err, VMERR_USAGE, "unknown command '%s'", argv[0]);
}

/* Commands from stdin, one per line, on one session; "!CMD" runs CMD with
 * the shell (to expire tokens between two calls); "#" starts a comment. */
static int
batch (struct probe *p, struct vmerr *err)
{
  char line[4096];

  while (fgets (line, sizeof line, stdin)) {
    char *words[64], *save = NULL;
    int n = 0;

    line[strcspn (line, "\n")] = '\0';
    if (line[0] == '!') {
      if (system (line + 1) != 0)
        return vmerr_set (err, VMERR_FAILED, "'%s' failed", line + 1);
      continue;
    }
    for (char *w = strtok_r (line, " \t", &save); w && n < 64; w = strtok_r (NULL, " \t", &save))
      words[n++] = w;
    if (n == 0 || words[0][0] == '#')
      continue;
    if (run (p, n, words, err) == -1)
      return -1;
  }
  return 0;
}

int
main (int argc, char **argv)
{
  struct probe p = { .cloud = getenv ("OS_CLOUD") };
  struct vmerr err = { 0 };
  int verbose = 0, i = 1, rc;

  for (; i < argc && argv[i][0] == '-'; i++) {
    if (strcmp (argv[i], "-v") == 0)
      verbose++;
    else if (strcmp (argv[i], "--os-cloud") == 0 && i + 1 < argc)
      p.cloud = argv[++i];
    else
      break;
  }
  if (i >= argc) {
    fprintf (stderr, "usage: os-probe [--os-cloud NAME] [-v] COMMAND [ARGS...] | batch\n");
    return VMERR_USAGE;
  }
  log_open (verbose, NULL);
  if (strcmp (argv[i], "batch") == 0)
    rc = batch (&p, &err);
  else
    rc = run (&p, argc - i, argv + i, &err);
  os_disconnect (p.c);
  if (rc == -1)
    fprintf (stderr, "os-probe: %s\n", err.msg);
  log_close ();
  return rc == -1 ? err.code : 0;
}
