#ifndef VMIGRATE_SOURCE_TRANSPORT_H
#define VMIGRATE_SOURCE_TRANSPORT_H

#include "argv.h"
#include "error.h"
#include "source.h"

/* Thread-safe: the ops are stateless. */

/* Internal to source/: one ops struct per nbdkit plugin.  nbdkit.c runs the
 * process; a transport only says which plugin and parameters serve a disk.
 * A new transport is one more file and one more entry in nbdkit.c's table. */

struct source_transport {
  enum source_kind kind;   /* which spec it serves */
  const char *name;        /* for logs: "file", "vddk" */
  /* Append the filters, plugin and its parameters for SPEC to B (after
   * nbdkit's own options).  Returns 0, or -1 with err naming what the spec
   * lacks. */
  int (*add_args) (const struct source_spec *spec, struct argv_builder *b, struct vmerr *err);
};

extern const struct source_transport source_file_transport;
extern const struct source_transport source_vddk_transport;

#endif
