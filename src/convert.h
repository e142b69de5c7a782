#ifndef VMIGRATE_CONVERT_H
#define VMIGRATE_CONVERT_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* Guest conversion with virt-v2v-in-place on the attached volumes: one
 * disk with `-i disk`, several with `-i libvirtxml` so the converter sees
 * the whole guest at once. */

struct convert_job {
  const char *command;       /* virt-v2v-in-place, or a stand-in (may hold args) */
  const char *vm_name;       /* for the libvirt XML and the log name */
  const char *firmware;      /* bios | efi */
  size_t ndevices;
  const char *const *devices; /* device paths, in disk order */
  const char *log_dir;       /* where the converter's log goes */
};

/* Write the libvirt domain XML describing the guest's disks (malloc'd). */
char *convert_libvirt_xml (const struct convert_job *job);

/* The argv for JOB (XML_PATH used when there are several disks). */
char **convert_argv (const struct convert_job *job, const char *xml_path, struct vmerr *err);
void convert_argv_free (char **argv);

/* Run the conversion; its output goes to a log file whose path is put in
 * *log_path (malloc'd) and named in any error. */
int convert_run (const struct convert_job *job, char **log_path, struct vmerr *err);

#endif
