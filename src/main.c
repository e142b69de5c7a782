/* vmigrate: move VMware VMs to OpenStack with minimal downtime.
 * Entry point: parse the configuration, run one command, print the error
 * once, exit with its code (documented in vmigrate(1)). */
#include "commands.h"
#include "config.h"
#include "log.h"
#include "migrate.h"

#include <json-c/json.h>
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
  /* --json callers (the Ansible module) get the failure as JSON too; the
   * migration commands print their own result object. */
  if (rc == -1 && cfg.json && cfg.command &&
      (strcmp (cfg.command, "status") == 0 || strcmp (cfg.command, "inspect") == 0)) {
    json_object *o = json_object_new_object ();
    json_object_object_add (o, "ok", json_object_new_boolean (false));
    json_object_object_add (o, "error", json_object_new_string (err.msg));
    json_object_object_add (o, "exit_code", json_object_new_int (err.code));
    puts (json_object_to_json_string_ext (o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put (o);
  }
  log_close ();
  return rc == -1 ? err.code : EXIT_SUCCESS;
}
