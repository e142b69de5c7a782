#ifndef VMIGRATE_LIB_CONFIG_H
#define VMIGRATE_LIB_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* The one configuration of a run: command-line flags over environment
 * variables (the lab.env / openrc names) over defaults.  Filled once by
 * the command line (cli/options.c), then only read: safe to share between
 * threads. */

enum transport { TRANSPORT_VDDK, TRANSPORT_LOCAL };

struct config {
  const char *command;          /* sync, cutover, migrate, status, inspect, instance */
  const char *vm;               /* inventory path or unique name */

  /* vSphere */
  const char *vsphere_url;      /* --vsphere-url, VMIGRATE_VSPHERE_URL */
  const char *vsphere_user;     /* --vsphere-user, VMIGRATE_VSPHERE_USER */
  const char *vsphere_password_file; /* --vsphere-password-file, VMIGRATE_VSPHERE_PASSWORD_FILE */
  const char *ca_file;          /* --ca-file, VMIGRATE_CA_FILE */
  bool vsphere_insecure;        /* --vsphere-insecure (--insecure), VMIGRATE_VSPHERE_INSECURE:
                                   no TLS verification of vSphere only */

  /* OpenStack */
  const char *os_cloud;         /* --os-cloud NAME (clouds.yaml), OS_CLOUD */
  bool os_insecure;             /* --os-insecure: no TLS verification of OpenStack (as
                                   OS_INSECURE and clouds.yaml verify: false) */
  const char *conversion_host;  /* --conversion-host UUID, VMIGRATE_CONVERSION_HOST */
  const char *metadata_url;     /* VMIGRATE_METADATA_URL (metadata service base) */
  const char *device_dir;       /* --device-dir, VMIGRATE_DEVICE_DIR, /dev/disk/by-id */
  const char *volume_type;      /* --volume-type */
  const char *volume_az;        /* --volume-az */

  /* Source transport */
  enum transport transport;     /* --transport vddk|local */
  const char *vddk_libdir;      /* --vddk-libdir */
  const char *vddk_thumbprint;  /* --vddk-thumbprint, VMIGRATE_VSPHERE_THUMBPRINT */
  const char *local_datastore;  /* --local-datastore, VMIGRATE_LOCAL_DATASTORE */
  const char *nbdkit;           /* VMIGRATE_NBDKIT: the nbdkit program (default nbdkit) */

  /* Phases */
  bool cbt_sync;                /* copy deltas using CBT */
  bool cutover;                 /* final window + conversion */
  bool skip_conversion;         /* --skip-conversion */
  bool enable_cbt;              /* --enable-cbt: turn CBT on when it is off */
  bool no_shutdown;             /* --no-shutdown: cutover copies from the running VM */
  int shutdown_timeout;         /* --shutdown-timeout S: guest shutdown, then hard off */
  int assume_zero;              /* --assume-zero[=BOOL]: -1 auto (by volume type), 0, 1 */
  const char *v2v_command;      /* --v2v-command, VMIGRATE_V2V_COMMAND */
#define CONFIG_V2V_MAX 32
  const char *v2v_options[CONFIG_V2V_MAX];   /* --v2v-option ARG (repeatable) */
  size_t n_v2v_options;
  const char *v2v_run[CONFIG_V2V_MAX];       /* --v2v-run FILE (repeatable) */
  size_t n_v2v_run;
  const char *v2v_firstboot[CONFIG_V2V_MAX]; /* --v2v-firstboot FILE (repeatable) */
  size_t n_v2v_firstboot;
  const char *v2v_customize;    /* --v2v-customize auto|converter|virt-customize */
  const char *v2v_customize_command; /* --v2v-customize-command, VMIGRATE_V2V_CUSTOMIZE_COMMAND */
  bool v2v_keep_nic_names;      /* --v2v-keep-nic-names[=BOOL] (default true) */
  const char *virtio_win;       /* --virtio-win PATH, VIRTIO_WIN: Windows drivers */

  /* Data plane (defaults in docs/performance.md) */
  int connections;              /* --connections N: NBD connections per disk; 0 = auto
                                   (4 when the server allows multi-conn, else 1; VDDK 1) */
  int requests;                 /* --requests N: reads in flight per disk (16) */
  int64_t request_size;         /* --request-size BYTES: per NBD read (2 MiB) */
  int parallel_disks;           /* --parallel-disks N: disks of a VM copied at once (4) */
  bool verify;                  /* --verify: read both sides back and compare */
  int64_t max_rate;             /* --max-rate BYTES/s: for the VM, all disks; 0 = none */
  int progress_fd;              /* --progress-fd N: JSON progress events; -1 = none */

  /* The instance (vmigrate instance, cutover --create-instance) */
  bool create_instance;         /* --create-instance: cutover goes on to the instance */
#define CONFIG_LIST_MAX 32
  const char *network_maps[CONFIG_LIST_MAX];   /* --network-map SPEC (repeatable) */
  size_t n_network_maps;
  const char *network;          /* --network NETWORK: NICs without a mapping */
  const char *flavor;           /* --flavor NAME|ID|auto (default auto) */
  bool create_flavor;           /* --create-flavor: auto may make one that fits */
  const char *security_groups[CONFIG_LIST_MAX]; /* --security-group NAME|ID (repeatable) */
  size_t n_security_groups;
  const char *key_name;         /* --key-name */
  const char *user_data;        /* --user-data FILE */
  const char *server_name;      /* --server-name (default: the VM's name) */
  const char *availability_zone; /* --availability-zone (Nova's) */
  bool keep_mac;                /* --keep-mac (default) / --no-keep-mac */
  int instance_timeout;         /* --instance-timeout S: BUILD -> ACTIVE at most (600) */

  int call_timeout;             /* --call-timeout S, VMIGRATE_CALL_TIMEOUT: the most one
                                 * vSphere/OpenStack call may take, retries included */

  /* Output */
  bool json;                    /* --json (status, inspect) */
  const char *log_file;         /* --log FILE */
  const char *log_dir;          /* --log-dir DIR, VMIGRATE_LOG_DIR: converter logs */
  bool take_over;               /* --take-over: continue another host's gone run */
  int verbose;                  /* -v count */
};

/* Read the first line of a secret file (malloc'd, newline stripped). */
char *config_read_secret (const char *path, const char *what, struct vmerr *err);

#endif
