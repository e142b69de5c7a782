/* --flavor auto: choosing among the cloud's flavors. */
#include "flavor-pick.h"

#include <stdbool.h>
#include <string.h>

static bool
smaller (const struct flavor_info *a, const struct flavor_info *b)
{
  if (a->vcpus != b->vcpus)
    return a->vcpus < b->vcpus;
  if (a->ram_mb != b->ram_mb)
    return a->ram_mb < b->ram_mb;
  if (a->disk_gb != b->disk_gb)
    return a->disk_gb < b->disk_gb;
  return strcmp (a->name ? a->name : "", b->name ? b->name : "") < 0;
}

const struct flavor_info *
flavor_pick (const struct flavor_info *f, size_t n, int vcpus, int64_t ram_mb)
{
  const struct flavor_info *best = NULL;

  for (size_t i = 0; i < n; i++)
    if (f[i].vcpus >= vcpus && f[i].ram_mb >= ram_mb && (best == NULL || smaller (&f[i], best)))
      best = &f[i];
  return best;
}
