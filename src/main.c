/* vmigrate: move VMware VMs to OpenStack with minimal downtime.
 * Entry point: parse the configuration, run one command from the table,
 * print the error once, exit with its code (documented in vmigrate(1)). */
#include "cmd.h"
#include "http.h"
#include "log.h"
#include "options.h"
#include "report.h"

#include <libxml/parser.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static const struct command {
  const char *name;                /* as typed */
  int (*run) (const struct config *cfg, const struct report_ops *out, struct vmerr *err);
  bool json_failure;               /* --json: the error is a JSON object too (the
                                    * migration commands put it in their result) */
} commands[] = {
  { "inspect", cmd_inspect, true },
  { "status", cmd_status, true },
  { "instance", cmd_instance, true },
  { "sync", cmd_migrate, false },
  { "cutover", cmd_migrate, false },
  { "migrate", cmd_migrate, false },
};

int
main (int argc, char **argv)
{
  struct config cfg;
  struct vmerr err = { 0 };
  const struct command *cmd = NULL;
  struct report report;
  struct report_ops out;
  int rc;

  rc = config_parse (&cfg, argc, argv, &err);
  if (rc == 1)
    return EXIT_SUCCESS;
  /* The command is known even when a later argument was wrong: a JSON
   * caller of status gets its error as JSON then too. */
  for (size_t i = 0; cfg.command && i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp (cfg.command, commands[i].name) == 0)
      cmd = &commands[i];
  report_init (&report, &out, &cfg);
  if (rc == 0)
    http_set_default_timeout (cfg.call_timeout);
  if (rc == 0 && log_open (cfg.verbose, cfg.log_file) == -1)
    rc = vmerr_set (&err, VMERR_CONFIG, "cannot open the log file %s", cfg.log_file);
  if (rc == 0) {
    xmlInitParser ();
    rc = cmd->run (&cfg, &out, &err);
    xmlCleanupParser ();
  }
  if (rc == -1)
    log_error ("%s", err.msg);
  if (rc == -1 && cmd && cmd->json_failure)
    report_failure (&report, &err);
  log_close ();
  return rc == -1 ? err.code : EXIT_SUCCESS;
}
