#ifndef VMIGRATE_INSTANCE_FLAVOR_PICK_H
#define VMIGRATE_INSTANCE_FLAVOR_PICK_H

#include <stddef.h>
#include <stdint.h>

/* --flavor auto: the smallest existing flavor that fits the VM.
 * Thread-safe: reads only what it is given. */

struct flavor_info {
  const char *id;
  const char *name;
  int vcpus;
  int64_t ram_mb;
  int64_t disk_gb;       /* root disk; irrelevant when booting from a volume */
};

/* The flavor with at least VCPUS and RAM_MB that is smallest: fewest
 * vCPUs, then least memory, then least root disk, then by name (so the
 * choice does not depend on the order the cloud lists them in); NULL
 * when none fits. */
const struct flavor_info *flavor_pick (const struct flavor_info *f, size_t n, int vcpus,
                                       int64_t ram_mb);

#endif
