/* Command line and environment → struct config. */
#include "options.h"
#include "netmap.h"
#include "parse-bool.h"
#include "parse-size.h"
#include "version.h"

#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
  OPT_VSPHERE_URL = 256, OPT_VSPHERE_USER, OPT_VSPHERE_PASSWORD_FILE, OPT_CA_FILE,
  OPT_VSPHERE_INSECURE, OPT_OS_CLOUD, OPT_CONVERSION_HOST, OPT_DEVICE_DIR, OPT_VOLUME_TYPE,
  OPT_VOLUME_AZ, OPT_TRANSPORT, OPT_VDDK_LIBDIR, OPT_VDDK_THUMBPRINT, OPT_LOCAL_DATASTORE,
  OPT_CBT_SYNC, OPT_CUTOVER, OPT_SKIP_CONVERSION, OPT_ENABLE_CBT, OPT_V2V_COMMAND, OPT_JSON,
  OPT_LOG, OPT_NO_SHUTDOWN, OPT_SHUTDOWN_TIMEOUT, OPT_ASSUME_ZERO,
  OPT_V2V_OPTION, OPT_V2V_RUN, OPT_V2V_FIRSTBOOT, OPT_V2V_CUSTOMIZE, OPT_V2V_CUSTOMIZE_COMMAND,
  OPT_V2V_KEEP_NIC_NAMES, OPT_OS_INSECURE, OPT_LOG_DIR, OPT_TAKE_OVER, OPT_CALL_TIMEOUT,
  OPT_CONNECTIONS, OPT_REQUESTS, OPT_REQUEST_SIZE, OPT_PARALLEL_DISKS, OPT_VERIFY, OPT_MAX_RATE,
  OPT_PROGRESS_FD, OPT_CREATE_INSTANCE, OPT_NETWORK_MAP, OPT_NETWORK, OPT_FLAVOR,
  OPT_CREATE_FLAVOR, OPT_SECURITY_GROUP, OPT_KEY_NAME, OPT_USER_DATA, OPT_SERVER_NAME,
  OPT_AVAILABILITY_ZONE, OPT_KEEP_MAC, OPT_NO_KEEP_MAC, OPT_INSTANCE_TIMEOUT, OPT_VIRTIO_WIN,
};

const struct option cli_options[] = {
  { "help", no_argument, NULL, 'h' },
  { "version", no_argument, NULL, 'V' },
  { "verbose", no_argument, NULL, 'v' },
  { "vsphere-url", required_argument, NULL, OPT_VSPHERE_URL },
  { "vsphere-user", required_argument, NULL, OPT_VSPHERE_USER },
  { "vsphere-password-file", required_argument, NULL, OPT_VSPHERE_PASSWORD_FILE },
  { "ca-file", required_argument, NULL, OPT_CA_FILE },
  { "vsphere-insecure", no_argument, NULL, OPT_VSPHERE_INSECURE },
  { "insecure", no_argument, NULL, OPT_VSPHERE_INSECURE },  /* deprecated alias */
  { "os-insecure", no_argument, NULL, OPT_OS_INSECURE },
  { "os-cloud", required_argument, NULL, OPT_OS_CLOUD },
  { "conversion-host", required_argument, NULL, OPT_CONVERSION_HOST },
  { "device-dir", required_argument, NULL, OPT_DEVICE_DIR },
  { "volume-type", required_argument, NULL, OPT_VOLUME_TYPE },
  { "volume-az", required_argument, NULL, OPT_VOLUME_AZ },
  { "transport", required_argument, NULL, OPT_TRANSPORT },
  { "vddk-libdir", required_argument, NULL, OPT_VDDK_LIBDIR },
  { "vddk-thumbprint", required_argument, NULL, OPT_VDDK_THUMBPRINT },
  { "local-datastore", required_argument, NULL, OPT_LOCAL_DATASTORE },
  { "cbt-sync", optional_argument, NULL, OPT_CBT_SYNC },
  { "cutover", optional_argument, NULL, OPT_CUTOVER },
  { "skip-conversion", no_argument, NULL, OPT_SKIP_CONVERSION },
  { "enable-cbt", no_argument, NULL, OPT_ENABLE_CBT },
  { "v2v-command", required_argument, NULL, OPT_V2V_COMMAND },
  { "json", no_argument, NULL, OPT_JSON },
  { "log", required_argument, NULL, OPT_LOG },
  { "no-shutdown", no_argument, NULL, OPT_NO_SHUTDOWN },
  { "shutdown-timeout", required_argument, NULL, OPT_SHUTDOWN_TIMEOUT },
  { "assume-zero", optional_argument, NULL, OPT_ASSUME_ZERO },
  { "v2v-option", required_argument, NULL, OPT_V2V_OPTION },
  { "v2v-run", required_argument, NULL, OPT_V2V_RUN },
  { "v2v-firstboot", required_argument, NULL, OPT_V2V_FIRSTBOOT },
  { "v2v-customize", required_argument, NULL, OPT_V2V_CUSTOMIZE },
  { "v2v-customize-command", required_argument, NULL, OPT_V2V_CUSTOMIZE_COMMAND },
  { "v2v-keep-nic-names", optional_argument, NULL, OPT_V2V_KEEP_NIC_NAMES },
  { "log-dir", required_argument, NULL, OPT_LOG_DIR },
  { "take-over", no_argument, NULL, OPT_TAKE_OVER },
  { "call-timeout", required_argument, NULL, OPT_CALL_TIMEOUT },
  { "connections", required_argument, NULL, OPT_CONNECTIONS },
  { "requests", required_argument, NULL, OPT_REQUESTS },
  { "request-size", required_argument, NULL, OPT_REQUEST_SIZE },
  { "parallel-disks", required_argument, NULL, OPT_PARALLEL_DISKS },
  { "verify", no_argument, NULL, OPT_VERIFY },
  { "max-rate", required_argument, NULL, OPT_MAX_RATE },
  { "progress-fd", required_argument, NULL, OPT_PROGRESS_FD },
  { "create-instance", no_argument, NULL, OPT_CREATE_INSTANCE },
  { "network-map", required_argument, NULL, OPT_NETWORK_MAP },
  { "network", required_argument, NULL, OPT_NETWORK },
  { "flavor", required_argument, NULL, OPT_FLAVOR },
  { "create-flavor", no_argument, NULL, OPT_CREATE_FLAVOR },
  { "security-group", required_argument, NULL, OPT_SECURITY_GROUP },
  { "key-name", required_argument, NULL, OPT_KEY_NAME },
  { "user-data", required_argument, NULL, OPT_USER_DATA },
  { "server-name", required_argument, NULL, OPT_SERVER_NAME },
  { "availability-zone", required_argument, NULL, OPT_AVAILABILITY_ZONE },
  { "keep-mac", no_argument, NULL, OPT_KEEP_MAC },
  { "no-keep-mac", no_argument, NULL, OPT_NO_KEEP_MAC },
  { "instance-timeout", required_argument, NULL, OPT_INSTANCE_TIMEOUT },
  { "virtio-win", required_argument, NULL, OPT_VIRTIO_WIN },
  { NULL, 0, NULL, 0 },
};

void
cli_usage (FILE *f)
{
  fprintf (f,
    "Usage: vmigrate [OPTIONS] COMMAND VM\n"
    "Move a VMware VM to OpenStack Cinder volumes: seed while it runs (CBT deltas),\n"
    "then cut over with one short final delta and virt-v2v-in-place.\n"
    "\n"
    "Commands:\n"
    "  sync VM       one seeding window (cbtsync=true, cutover=false); VM keeps running\n"
    "  cutover VM    final window: last delta, conversion, volumes marked converted\n"
    "  migrate VM [--cbt-sync[=BOOL]] [--cutover[=BOOL]]   the two flags verbatim\n"
    "  status VM     per disk: volume, changeID, converted, copy state, last window\n"
    "  inspect VM    pre-flight check of the VM in vSphere (disks, NICs, guest, CBT, snapshots)\n"
    "  instance VM   create (or find again) the Nova server of a converted VM: ports\n"
    "                with the source MACs, booted from its volumes\n"
    "VM is an inventory path (/DC/vm/folder/web01) or a unique VM name.\n"
    "\n"
    "Common options (environment variable in brackets):\n"
    "  --vsphere-url URL            https://vcenter/sdk [VMIGRATE_VSPHERE_URL]\n"
    "  --vsphere-user USER          [VMIGRATE_VSPHERE_USER]\n"
    "  --vsphere-password-file F    password in a file [VMIGRATE_VSPHERE_PASSWORD_FILE]\n"
    "  --ca-file F                  trust this CA for vSphere/OpenStack [VMIGRATE_CA_FILE]\n"
    "  --vsphere-insecure           do not verify vSphere's TLS certificate\n"
    "                               [VMIGRATE_VSPHERE_INSECURE]; --insecure: the same\n"
    "  --os-insecure                do not verify OpenStack's TLS certificates [OS_INSECURE]\n"
    "  --os-cloud NAME              clouds.yaml entry (else OS_* variables)\n"
    "  --transport vddk|local       how to read disks (default vddk)\n"
    "  --skip-conversion            never run virt-v2v-in-place (and never stop the VM)\n"
    "  --v2v-option ARG             one more converter argument (repeatable)\n"
    "  --v2v-run FILE               script run in the guest at conversion (repeatable)\n"
    "  --v2v-firstboot FILE         script run at the guest's first boot (repeatable)\n"
    "  --virtio-win PATH            Windows guests: the virtio-win ISO or directory\n"
    "                               [VIRTIO_WIN] (default /usr/share/virtio-win)\n"
    "  --shutdown-timeout S         cutover: wait S s for the guest, then power off (300)\n"
    "  --no-shutdown                cutover: leave the VM running (writes after the last\n"
    "                               snapshot are NOT migrated)\n"
    "  --call-timeout S             give up on a vSphere/OpenStack call after S s,\n"
    "                               retries included (300) [VMIGRATE_CALL_TIMEOUT]\n"
    "\n"
    "Data plane (defaults measured: docs/performance.md):\n"
    "  --connections N              NBD connections per disk (default: 4 when the\n"
    "                               server allows multi-conn, else 1; VDDK: 1, each\n"
    "                               is a VDDK/NFC session, see the man page)\n"
    "  --requests N                 reads in flight per disk, over its connections (16)\n"
    "  --request-size BYTES         bytes per read, 64K-32M (2M: VDDK's safe maximum)\n"
    "  --parallel-disks N           disks of a VM copied at once (4)\n"
    "  --verify                     after each disk's flush, read back source and\n"
    "                               target and compare (exit 13 on a mismatch)\n"
    "  --max-rate BYTES             at most BYTES/s for the VM, all disks together\n"
    "                               (suffixes K, M, G: 50M)\n"
    "  --progress-fd N              JSON progress events, one per line, on fd N\n"
    "\n");
  /* Two texts: C11 compilers need not take a string over 4095 bytes. */
  fprintf (f,
    "The instance (instance VM, or cutover VM --create-instance):\n"
    "  --network-map 'SOURCE=NETWORK[,subnet=SUBNET][,ip=keep|ADDRESS]'\n"
    "                               the Neutron network of the NICs on vSphere network or\n"
    "                               portgroup SOURCE (repeatable); ip=keep: the guest's\n"
    "                               address as VMware Tools reports it\n"
    "  --network NETWORK            the network of NICs without a mapping\n"
    "  --flavor NAME|ID|auto        auto (default): the smallest flavor with the VM's\n"
    "                               vCPUs and memory\n"
    "  --create-flavor              with auto: make a flavor when none fits\n"
    "  --security-group NAME|ID     on every port (repeatable; default: the project's)\n"
    "  --key-name NAME  --user-data FILE  --availability-zone ZONE\n"
    "  --server-name NAME           the server's name (default: the VM's)\n"
    "  --keep-mac, --no-keep-mac    ports keep the source NICs' MACs (default: keep)\n"
    "  --instance-timeout S         wait at most S s for ACTIVE (600)\n"
    "  --create-instance            cutover: create the instance after the conversion\n"
    "\n"
    "  --json                       machine-readable output (status, inspect); progress\n"
    "                               events on stderr unless --progress-fd\n"
    "  --log FILE  -v               log file; more detail on stderr\n"
    "  --log-dir DIR                private directory of the converter's logs\n"
    "                               [VMIGRATE_LOG_DIR] (default /var/log/vmigrate)\n"
    "  --take-over                  continue a VM whose run on another conversion host\n"
    "                               is gone (killed, host lost); refused without it\n"
    "  -h, --help   -V, --version\n"
    "\n"
    "Every option, the environment and the exit codes: man vmigrate\n");
}

static const char *
env_or (const char *name, const char *dflt)
{
  const char *v = getenv (name);
  return v && *v ? v : dflt;
}

/* BOOL arguments of the seed's flags: true/false/yes/no/1/0/on/off; the
 * bare flag means true. */
static int
bool_arg (const char *opt, const char *arg, bool *out, struct vmerr *err)
{
  int v = arg ? parse_bool (arg) : 1;

  if (v == -1)
    return vmerr_set (err, VMERR_USAGE, "--%s=%s: expected true or false", opt, arg);
  *out = v == 1;
  return 0;
}

/* A BOOL variable; unset or empty leaves *OUT as it is. */
static int
env_bool (const char *name, bool *out, struct vmerr *err)
{
  const char *v = env_or (name, NULL);
  int b = v ? parse_bool (v) : 0;

  if (b == -1)
    return vmerr_set (err, VMERR_CONFIG, "%s=%s: expected true or false", name, v);
  if (v)
    *out = b == 1;
  return 0;
}

/* A whole number in LO..HI for option OPT; junk is refused. */
static int
int_arg (const char *opt, const char *text, long lo, long hi, int *out, struct vmerr *err)
{
  char *end;
  long v = strtol (text, &end, 10);

  if (*text == '\0' || *end || v < lo || v > hi)
    return vmerr_set (err, VMERR_USAGE, "--%s %s: expected a whole number from %ld to %ld",
                      opt, text, lo, hi);
  *out = (int) v;
  return 0;
}

/* A name-like value of option OPT: empty text is refused (it would name
 * nothing and let the cloud pick). */
static int
name_arg (const char *opt, const char *text, const char **out, struct vmerr *err)
{
  if (*text == '\0')
    return vmerr_set (err, VMERR_USAGE, "--%s: an empty value (give a name or ID)", opt);
  *out = text;
  return 0;
}

/* Limits of the data plane's tunables (docs/performance.md). */
enum { CONNECTIONS_MAX = 16, REQUESTS_MAX = 64, PARALLEL_DISKS_MAX = 16 };
#define REQUEST_SIZE_MIN (64 * 1024)
#define REQUEST_SIZE_MAX (32 * 1024 * 1024)  /* the NBD protocol's usual limit */

/* The most --call-timeout accepts: a day. */
enum { CALL_TIMEOUT_MAX = 86400 };

/* --call-timeout or VMIGRATE_CALL_TIMEOUT (WHERE names it): whole seconds
 * in 1..CALL_TIMEOUT_MAX; empty text and junk are refused. */
static int
call_timeout_arg (const char *where, const char *text, struct config *c, struct vmerr *err)
{
  char *end;
  long v = strtol (text, &end, 10);

  if (*text == '\0' || *end || v < 1 || v > CALL_TIMEOUT_MAX)
    return vmerr_set (err, VMERR_USAGE, "%s '%s': expected seconds (1-%d)", where, text,
                      CALL_TIMEOUT_MAX);
  c->call_timeout = (int) v;
  return 0;
}

static void
defaults_from_env (struct config *c)
{
  c->vsphere_url = env_or ("VMIGRATE_VSPHERE_URL", NULL);
  c->vsphere_user = env_or ("VMIGRATE_VSPHERE_USER", NULL);
  c->vsphere_password_file = env_or ("VMIGRATE_VSPHERE_PASSWORD_FILE", NULL);
  c->ca_file = env_or ("VMIGRATE_CA_FILE", NULL);
  c->os_cloud = env_or ("OS_CLOUD", NULL);
  c->conversion_host = env_or ("VMIGRATE_CONVERSION_HOST", NULL);
  c->metadata_url = env_or ("VMIGRATE_METADATA_URL", "http://169.254.169.254");
  c->device_dir = env_or ("VMIGRATE_DEVICE_DIR", "/dev/disk/by-id");
  c->vddk_thumbprint = env_or ("VMIGRATE_VSPHERE_THUMBPRINT", NULL);
  c->local_datastore = env_or ("VMIGRATE_LOCAL_DATASTORE", NULL);
  c->nbdkit = env_or ("VMIGRATE_NBDKIT", "nbdkit");
  c->v2v_command = env_or ("VMIGRATE_V2V_COMMAND", "virt-v2v-in-place");
  c->transport = TRANSPORT_VDDK;
  c->shutdown_timeout = 300;
  c->assume_zero = -1;
  c->v2v_customize = "auto";
  c->v2v_customize_command = env_or ("VMIGRATE_V2V_CUSTOMIZE_COMMAND", "virt-customize");
  c->v2v_keep_nic_names = true;
  c->virtio_win = env_or ("VIRTIO_WIN", NULL);
  c->log_dir = env_or ("VMIGRATE_LOG_DIR", NULL);
  c->requests = 16;
  c->request_size = 2 * 1024 * 1024;
  c->parallel_disks = 4;
  c->progress_fd = -1;
  c->flavor = "auto";
  c->keep_mac = true;
  c->instance_timeout = 600;
}

static int
set_command (struct config *c, const char *cmd, struct vmerr *err)
{
  static const char *const known[] = { "sync", "cutover", "migrate", "status", "inspect",
                                        "instance", NULL };

  for (int i = 0; known[i]; i++)
    if (strcmp (cmd, known[i]) == 0) {
      c->command = known[i];
      if (strcmp (cmd, "sync") == 0)
        c->cbt_sync = true, c->cutover = false;
      else if (strcmp (cmd, "cutover") == 0)
        c->cbt_sync = true, c->cutover = true;
      return 0;
    }
  return vmerr_set (err, VMERR_USAGE, "unknown command '%s' (commands: sync, cutover, "
                    "migrate, status, inspect, instance; see vmigrate --help)", cmd);
}

int
config_parse (struct config *c, int argc, char **argv, struct vmerr *err)
{
  bool cbt_given = false, cutover_given = false;
  bool cbt_flag = false, cutover_flag = false;
  bool instance_given = false;  /* an option of the instance was given */
  int opt;

  memset (c, 0, sizeof *c);
  defaults_from_env (c);
  if (env_bool ("VMIGRATE_VSPHERE_INSECURE", &c->vsphere_insecure, err) == -1)
    return -1;
  optind = 1;
  opterr = 0;
  /* '+' is not used: options may follow the command and VM. */
  while ((opt = getopt_long (argc, argv, ":hVv", cli_options, NULL)) != -1) {
    switch (opt) {
    case 'h': cli_usage (stdout); return 1;
    case 'V': fputs (vmigrate_version_text (), stdout); return 1;
    case 'v': c->verbose++; break;
    case OPT_VSPHERE_URL: c->vsphere_url = optarg; break;
    case OPT_VSPHERE_USER: c->vsphere_user = optarg; break;
    case OPT_VSPHERE_PASSWORD_FILE: c->vsphere_password_file = optarg; break;
    case OPT_CA_FILE: c->ca_file = optarg; break;
    case OPT_VSPHERE_INSECURE: c->vsphere_insecure = true; break;
    case OPT_OS_INSECURE: c->os_insecure = true; break;
    case OPT_OS_CLOUD: c->os_cloud = optarg; break;
    case OPT_CONVERSION_HOST: c->conversion_host = optarg; break;
    case OPT_DEVICE_DIR: c->device_dir = optarg; break;
    case OPT_VOLUME_TYPE: c->volume_type = optarg; break;
    case OPT_VOLUME_AZ: c->volume_az = optarg; break;
    case OPT_TRANSPORT:
      if (strcmp (optarg, "vddk") == 0)
        c->transport = TRANSPORT_VDDK;
      else if (strcmp (optarg, "local") == 0)
        c->transport = TRANSPORT_LOCAL;
      else
        return vmerr_set (err, VMERR_USAGE, "--transport %s: expected vddk or local", optarg);
      break;
    case OPT_VDDK_LIBDIR: c->vddk_libdir = optarg; break;
    case OPT_VDDK_THUMBPRINT: c->vddk_thumbprint = optarg; break;
    case OPT_LOCAL_DATASTORE: c->local_datastore = optarg; break;
    case OPT_CBT_SYNC:
      if (bool_arg ("cbt-sync", optarg, &cbt_flag, err) == -1)
        return -1;
      cbt_given = true;
      break;
    case OPT_CUTOVER:
      if (bool_arg ("cutover", optarg, &cutover_flag, err) == -1)
        return -1;
      cutover_given = true;
      break;
    case OPT_SKIP_CONVERSION: c->skip_conversion = true; break;
    case OPT_ENABLE_CBT: c->enable_cbt = true; break;
    case OPT_V2V_COMMAND: c->v2v_command = optarg; break;
    case OPT_JSON: c->json = true; break;
    case OPT_LOG: c->log_file = optarg; break;
    case OPT_LOG_DIR: c->log_dir = optarg; break;
    case OPT_TAKE_OVER: c->take_over = true; break;
    case OPT_NO_SHUTDOWN: c->no_shutdown = true; break;
    case OPT_SHUTDOWN_TIMEOUT: {
      char *end;
      long v = strtol (optarg, &end, 10);
      if (*optarg == '\0' || *end || v < 0 || v > 86400)
        return vmerr_set (err, VMERR_USAGE, "--shutdown-timeout %s: expected seconds (0-86400)", optarg);
      c->shutdown_timeout = (int) v;
      break;
    }
    case OPT_ASSUME_ZERO: {
      bool b = true;
      if (bool_arg ("assume-zero", optarg, &b, err) == -1)
        return -1;
      c->assume_zero = b;
      break;
    }
    case OPT_V2V_OPTION:
    case OPT_V2V_RUN:
    case OPT_V2V_FIRSTBOOT: {
      const char **list = opt == OPT_V2V_OPTION ? c->v2v_options
                          : opt == OPT_V2V_RUN ? c->v2v_run : c->v2v_firstboot;
      size_t *n = opt == OPT_V2V_OPTION ? &c->n_v2v_options
                  : opt == OPT_V2V_RUN ? &c->n_v2v_run : &c->n_v2v_firstboot;
      if (*n >= CONFIG_V2V_MAX)
        return vmerr_set (err, VMERR_USAGE, "--v2v-option, --v2v-run and --v2v-firstboot "
                          "may each be given at most %d times", CONFIG_V2V_MAX);
      list[(*n)++] = optarg;
      break;
    }
    case OPT_V2V_CUSTOMIZE:
      if (strcmp (optarg, "auto") && strcmp (optarg, "converter") && strcmp (optarg, "virt-customize"))
        return vmerr_set (err, VMERR_USAGE, "--v2v-customize %s: expected auto, converter or "
                          "virt-customize", optarg);
      c->v2v_customize = optarg;
      break;
    case OPT_V2V_CUSTOMIZE_COMMAND: c->v2v_customize_command = optarg; break;
    case OPT_V2V_KEEP_NIC_NAMES:
      if (bool_arg ("v2v-keep-nic-names", optarg, &c->v2v_keep_nic_names, err) == -1)
        return -1;
      break;
    case OPT_CALL_TIMEOUT:
      if (call_timeout_arg ("--call-timeout", optarg, c, err) == -1)
        return -1;
      break;
    case OPT_CONNECTIONS:
      if (int_arg ("connections", optarg, 1, CONNECTIONS_MAX, &c->connections, err) == -1)
        return -1;
      break;
    case OPT_REQUESTS:
      if (int_arg ("requests", optarg, 1, REQUESTS_MAX, &c->requests, err) == -1)
        return -1;
      break;
    case OPT_PARALLEL_DISKS:
      if (int_arg ("parallel-disks", optarg, 1, PARALLEL_DISKS_MAX, &c->parallel_disks, err) == -1)
        return -1;
      break;
    case OPT_PROGRESS_FD:
      if (int_arg ("progress-fd", optarg, 0, 1 << 20, &c->progress_fd, err) == -1)
        return -1;
      if (fcntl (c->progress_fd, F_GETFD) == -1)
        return vmerr_set (err, VMERR_USAGE, "--progress-fd %s: file descriptor %s is not open "
                          "(open it in the shell: --progress-fd 3 3>progress.json)", optarg,
                          optarg);
      break;
    case OPT_REQUEST_SIZE:
      c->request_size = parse_size (optarg);
      if (c->request_size < REQUEST_SIZE_MIN || c->request_size > REQUEST_SIZE_MAX ||
          (c->request_size & (c->request_size - 1)) != 0)
        return vmerr_set (err, VMERR_USAGE, "--request-size %s: expected a power of two from "
                          "64K to 32M (e.g. 2M)", optarg);
      break;
    case OPT_MAX_RATE:
      c->max_rate = parse_size (optarg);
      if (c->max_rate < 64 * 1024)
        return vmerr_set (err, VMERR_USAGE, "--max-rate %s: expected bytes per second, at "
                          "least 64K, with an optional K, M or G (e.g. 50M)", optarg);
      break;
    case OPT_VERIFY: c->verify = true; break;
    case OPT_CREATE_INSTANCE: c->create_instance = true; break;
    case OPT_VIRTIO_WIN:
      if (name_arg ("virtio-win", optarg, &c->virtio_win, err) == -1)
        return -1;
      break;
    case OPT_NETWORK_MAP:
    case OPT_SECURITY_GROUP: {
      const char **list = opt == OPT_NETWORK_MAP ? c->network_maps : c->security_groups;
      size_t *n = opt == OPT_NETWORK_MAP ? &c->n_network_maps : &c->n_security_groups;
      if (*n >= CONFIG_LIST_MAX)
        return vmerr_set (err, VMERR_USAGE, "--network-map and --security-group may each "
                          "be given at most %d times", CONFIG_LIST_MAX);
      list[(*n)++] = optarg;
      instance_given = true;
      break;
    }
    case OPT_NETWORK:
    case OPT_FLAVOR:
    case OPT_KEY_NAME:
    case OPT_USER_DATA:
    case OPT_SERVER_NAME:
    case OPT_AVAILABILITY_ZONE: {
      const struct { int opt; const char *name; const char **field; } names[] = {
        { OPT_NETWORK, "network", &c->network }, { OPT_FLAVOR, "flavor", &c->flavor },
        { OPT_KEY_NAME, "key-name", &c->key_name }, { OPT_USER_DATA, "user-data", &c->user_data },
        { OPT_SERVER_NAME, "server-name", &c->server_name },
        { OPT_AVAILABILITY_ZONE, "availability-zone", &c->availability_zone },
      };
      for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].opt == opt && name_arg (names[i].name, optarg, names[i].field, err) == -1)
          return -1;
      instance_given = true;
      break;
    }
    case OPT_CREATE_FLAVOR: c->create_flavor = instance_given = true; break;
    case OPT_KEEP_MAC: c->keep_mac = instance_given = true; break;
    case OPT_NO_KEEP_MAC: c->keep_mac = false, instance_given = true; break;
    case OPT_INSTANCE_TIMEOUT:
      if (int_arg ("instance-timeout", optarg, 1, 86400, &c->instance_timeout, err) == -1)
        return -1;
      instance_given = true;
      break;
    case ':':
      return vmerr_set (err, VMERR_USAGE, "option %s needs a value (see vmigrate --help)",
                        argv[optind - 1]);
    default:
      return vmerr_set (err, VMERR_USAGE, "unknown option %s (see vmigrate --help)",
                        argv[optind - 1]);
    }
  }
  if (c->call_timeout == 0 && getenv ("VMIGRATE_CALL_TIMEOUT") &&
      call_timeout_arg ("VMIGRATE_CALL_TIMEOUT", getenv ("VMIGRATE_CALL_TIMEOUT"), c, err) == -1)
    return -1;
  if (c->call_timeout == 0)
    c->call_timeout = 300;
  if (optind >= argc)
    return vmerr_set (err, VMERR_USAGE, "no command given (try: vmigrate --help)");
  if (set_command (c, argv[optind], err) == -1)
    return -1;
  if (optind + 1 >= argc)
    return vmerr_set (err, VMERR_USAGE, "'%s' needs a VM: an inventory path "
                      "(/DC/vm/web01) or a unique VM name", c->command);
  c->vm = argv[optind + 1];
  if (optind + 2 < argc)
    return vmerr_set (err, VMERR_USAGE, "unexpected argument '%s' after the VM", argv[optind + 2]);
  if ((cbt_given || cutover_given) && strcmp (c->command, "migrate") != 0)
    return vmerr_set (err, VMERR_USAGE, "--cbt-sync and --cutover go with 'migrate'; "
                      "'%s' sets them itself", c->command);
  if (strcmp (c->command, "migrate") == 0) {
    c->cbt_sync = cbt_flag;
    c->cutover = cutover_flag;
  }
  bool instance = strcmp (c->command, "instance") == 0;
  if (c->create_instance && !c->cutover)
    return vmerr_set (err, VMERR_USAGE, "--create-instance goes with 'cutover' (or 'migrate "
                      "--cutover=true'): the instance boots from converted volumes");
  if (instance_given && !instance && !c->create_instance)
    return vmerr_set (err, VMERR_USAGE, "the instance's options (--network-map, --flavor, ...) "
                      "go with 'instance' or 'cutover --create-instance'");
  for (size_t i = 0; i < c->n_network_maps; i++) {
    struct netmap m = { 0 };
    int bad = netmap_add (&m, c->network_maps[i], err);
    netmap_free (&m);
    if (bad == -1)
      return -1;
  }
  return 0;
}
