#ifndef VMIGRATE_SOURCE_SOURCE_H
#define VMIGRATE_SOURCE_SOURCE_H

#include <stdbool.h>
#include <sys/types.h>

#include "config.h"
#include "error.h"

/* Serving one source disk with nbdkit, read-only, on a private Unix socket,
 * tied to our lifetime (--exit-with-parent).  The VDDK plugin reads the
 * disk of a snapshot through vCenter in production; the file plugin reads a
 * disk file (the lab, and copies of a datastore on local storage).  Each
 * transport is an ops struct (transport.h).  A struct source has one
 * owner; different sources may be used from different threads. */

enum source_kind { SOURCE_FILE, SOURCE_VDDK };

struct source_spec {
  enum source_kind kind;       /* which plugin */
  const char *path;            /* file: the disk file */
  const char *vddk_libdir;     /* vddk: VDDK install dir (libdir=) */
  const char *server;          /* vddk: vCenter/ESXi host name */
  const char *user;            /* vddk: user */
  const char *password_file;   /* vddk: password=+FILE (never on argv itself) */
  const char *thumbprint;      /* vddk: SHA-1 thumbprint of the server cert */
  const char *vm_moref;        /* vddk: vm=moref=vm-NN */
  const char *snapshot_moref;  /* vddk: snapshot=snapshot-NN */
  const char *file;            /* vddk: "[datastore] dir/disk.vmdk" of the base disk */
  const char *transports;      /* vddk: NULL = "file:nbdssl:nbd" (san crashed VDDK) */
  const char *compression;     /* vddk: NULL/none, zlib, fastlz, skipz */
  const char *nbdkit;          /* program, NULL = "nbdkit" */
  char *owned[2];              /* strings behind path/server made by
                                * source_spec_for (freed by source_spec_free) */
};

/* Every setting the configured transport needs is given (not empty):
 * vddk: --vddk-libdir, --vddk-thumbprint; local: --local-datastore.  A run
 * calls it before it changes anything.  Returns 0, or -1 with err set
 * (VMERR_CONFIG, naming the option and its variable). */
int source_settings_check (const struct config *cfg, struct vmerr *err);

/* The spec that serves disk DISK_KEY (datastore file DISK_FILE, "[ds]
 * dir/disk.vmdk") of VM_MOREF as of snapshot SNAPSHOT_MOREF, by the
 * configured transport: file (LOCAL_DATASTORE/ds/dir/disk.vmdk) or vddk.
 * Returns 0, or -1 with err set (free the spec either way). */
int source_spec_for (const struct config *cfg, const char *vm_moref, const char *snapshot_moref,
                     int disk_key, const char *disk_file, struct source_spec *s,
                     struct vmerr *err);
void source_spec_free (struct source_spec *s);

/* The argv that serves SPEC on SOCKET (NULL-terminated, malloc'd strings;
 * free with argv_free).  Unit-tested: VDDK cannot run here. */
char **source_argv (const struct source_spec *spec, const char *socket, struct vmerr *err);

struct source;

/* The private directories nbdkit's socket lives in: /tmp/PREFIX.PID.XXXXXX
 * (private-dir.h: a later run removes those of a killed one). */
#define SOURCE_DIR_PREFIX "vmigrate-nbd"

/* Start nbdkit in a fresh 0700 directory and wait until it accepts
 * connections (or fails, with its stderr in the message). */
struct source *source_start (const struct source_spec *spec, struct vmerr *err);

/* The socket path to connect libnbd to. */
const char *source_socket (const struct source *s);

/* Stop nbdkit, remove the directory. */
void source_stop (struct source *s);

#endif
