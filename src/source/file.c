/* The file transport: nbdkit-file-plugin on a disk file (the lab, and
 * datastores mounted on the conversion host). */
#include "transport.h"

static int
file_args (const struct source_spec *spec, struct argv_builder *b, struct vmerr *err)
{
  if (spec->path == NULL)
    return vmerr_set (err, VMERR_CONFIG, "no source disk file given");
  argv_add (b, "file");
  argv_add_kv (b, "file=", spec->path);
  return 0;
}

const struct source_transport source_file_transport = {
  .kind = SOURCE_FILE,
  .name = "file",
  .add_args = file_args,
};
