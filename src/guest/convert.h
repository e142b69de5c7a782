#ifndef VMIGRATE_GUEST_CONVERT_H
#define VMIGRATE_GUEST_CONVERT_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* Guest conversion with virt-v2v-in-place on the attached volumes: one
 * disk with `-i disk`, several with `-i libvirtxml` so the converter sees
 * the whole guest at once.  The argv builders return arrays freed with
 * argv_free (argv.h).  Thread-safe: a job is only read, and each run has
 * its own temporary files. */

/* The private directories of a conversion (private-dir.h): the libvirt
 * XML for several disks, and the NIC-name script. */
#define CONVERT_DOMAIN_PREFIX "vmigrate-domain"
#define CONVERT_NIC_PREFIX "vmigrate-nic-names"

struct convert_job {
  const char *command;       /* virt-v2v-in-place, or a stand-in (may hold args) */
  const char *vm_name;       /* for the libvirt XML and the log name */
  const char *firmware;      /* bios | efi */
  size_t ndevices;
  const char *const *devices; /* device paths, in disk order */
  const char *log_dir;       /* where the converter's log goes */
  /* Extra converter options (--v2v-option), each one argv word, placed
   * before -i. */
  size_t noptions;
  const char *const *options;
  /* Guest customization, as os-migrate's module passes it: scripts run in
   * the guest at conversion (--run) and at its first boot (--firstboot). */
  size_t nrun;
  const char *const *run;
  size_t nfirstboot;
  const char *const *firstboot;
  /* The VM's NIC MAC addresses (vSphere order): vmigrate adds a --run step
   * that pins the guest's configured interface names to them. */
  size_t nmacs;
  const char *const *macs;
  /* Windows guests: the virtio-win ISO or directory (virtio-win.h), given
   * to the converter as VIRTIO_WIN; NULL: its own default. */
  const char *virtio_win;
  /* Who applies --run/--firstboot: "converter" (virt-v2v-in-place takes
   * them, as newer ones and the lab's stand-in do), "virt-customize" (run
   * it on the converted disks; Debian 12's virt-v2v 2.2 has no such
   * options) or "auto"/NULL (virt-customize when the converter is a
   * binary program, the converter when it is a script). */
  const char *customize;
  const char *customize_command; /* virt-customize (may hold args) */
};

/* The shell script (malloc'd; its body is nic-names.sh) that pins the guest's configured interface
 * names (ens192...) to MACS: systemd .link files and udev rules, so the
 * names survive the move to virtio-net.  NULL when nmacs is 0. */
char *convert_nic_script (const struct convert_job *job);

/* Whether the --run/--firstboot scripts go to the converter itself. */
bool convert_customize_in_converter (const struct convert_job *job);

/* The argv of the virt-customize step for RUN/FIRSTBOOT (the job's, plus
 * NIC_SCRIPT when not NULL), or NULL with err set. */
char **convert_customize_argv (const struct convert_job *job, const char *nic_script,
                               struct vmerr *err);

/* Write the libvirt domain XML describing the guest's disks (malloc'd). */
char *convert_libvirt_xml (const struct convert_job *job);

/* The argv for JOB (XML_PATH used when there are several disks).  The
 * --run/--firstboot options are included when the converter applies them
 * (NIC_SCRIPT, when not NULL, is one more --run). */
char **convert_argv (const struct convert_job *job, const char *xml_path, struct vmerr *err);
char **convert_argv_nic (const struct convert_job *job, const char *xml_path,
                         const char *nic_script, struct vmerr *err);

/* The private directory (0700, ours, not a symlink) the converter's logs
 * go to: WANT (--log-dir) when given, which must exist or be creatable and
 * must not be open to others; else /var/log/vmigrate, else
 * $TMPDIR/vmigrate-logs.UID, created 0700.  *DIR is malloc'd. */
int convert_log_dir (const char *want, char **dir, struct vmerr *err);

/* Run the conversion; its output goes to a log file whose path is put in
 * *log_path (malloc'd) and named in any error. */
int convert_run (const struct convert_job *job, char **log_path, struct vmerr *err);

#endif
