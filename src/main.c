/* vmigrate: move VMware VMs to OpenStack with minimal downtime.
 * Entry point: parse the configuration, run one command, print the error
 * once, exit with its code (documented in vmigrate(1)). */
#include "commands.h"
#include "config.h"
#include "log.h"
#include "migrate.h"

#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
main (int argc, char **argv)
{
  struct config cfg;
  struct vmerr err = { 0 };
  int rc;

  rc = config_parse (&cfg, argc, argv, &err);
  if (rc == 1)
    return EXIT_SUCCESS;
  if (rc == 0 && log_open (cfg.verbose, cfg.log_file) == -1)
    rc = vmerr_set (&err, VMERR_CONFIG, "cannot open the log file %s", cfg.log_file);
  if (rc == 0) {
    xmlInitParser ();
    if (strcmp (cfg.command, "inspect") == 0)
      rc = cmd_inspect (&cfg, &err);
    else if (strcmp (cfg.command, "status") == 0)
      rc = cmd_status (&cfg, &err);
    else
      rc = migrate_run (&cfg, &err);
    xmlCleanupParser ();
  }
  if (rc == -1)
    log_error ("%s", err.msg);
  log_close ();
  return rc == -1 ? err.code : EXIT_SUCCESS;
}
