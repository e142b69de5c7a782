#ifndef VMIGRATE_CLI_REPORT_H
#define VMIGRATE_CLI_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "cmd.h"
#include "config.h"
#include "error.h"

/* The report module: every result a command hands over, as text for a
 * person or (--json) as one JSON object on stdout for a program such as
 * the Ansible module.  With --json, the text of a migration run still goes
 * to stderr, so the log of a run reads the same.  Not thread-safe: one
 * report per process. */

struct report {
  bool json;       /* --json: JSON objects on stdout */
  FILE *text;      /* where text goes: stdout, or stderr with --json */
};

/* Report ops for CFG's output mode; R holds their state. */
void report_init (struct report *r, struct report_ops *ops, const struct config *cfg);

/* A failed command that answers in JSON (inspect, status): the error as
 * {"ok": false, "error": ..., "exit_code": ...} on stdout, with --json only. */
void report_failure (const struct report *r, const struct vmerr *err);

#endif
