/* `vmigrate sync|cutover|migrate VM`: one run of the state machine. */
#include "cmd.h"
#include "migrate.h"

#include <stdbool.h>

static void
window_ended (void *opaque, const struct migrate_result *r, const struct window_result_report *w)
{
  const struct report_ops *out = opaque;
  out->window (out->opaque, r, w);
}

int
cmd_migrate (const struct config *cfg, const struct report_ops *out, struct vmerr *err)
{
  struct migrate_result res = { .on_window = window_ended, .opaque = (void *) out };
  int rc = migrate_run (cfg, &res, err);

  out->migrate (out->opaque, &res, rc, err);
  /* --create-instance: the converted volumes are detached now; the
   * instance is its own step, so a failure there keeps the conversion and
   * `vmigrate instance` can be run again alone. */
  bool converted = res.converted || res.already_converted;
  migrate_result_free (&res);
  if (rc == 0 && cfg->create_instance && converted)
    rc = cmd_instance (cfg, out, err);
  return rc;
}
