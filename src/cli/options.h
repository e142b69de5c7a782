#ifndef VMIGRATE_CLI_OPTIONS_H
#define VMIGRATE_CLI_OPTIONS_H

#include <getopt.h>
#include <stdio.h>

#include "config.h"
#include "error.h"

/* The command line: every option, its parsing into struct config, and the
 * short --help.  Not thread-safe (getopt); called once, from main. */

/* The option table, NULL-terminated (the test that every option is in the
 * man page and in --help reads it). */
extern const struct option cli_options[];

/* Parse ARGV into CFG (strings point into argv/environ).  Returns 0, or
 * 1 when --help/--version was handled (exit 0), or -1 with err set. */
int config_parse (struct config *cfg, int argc, char **argv, struct vmerr *err);

/* The --help text. */
void cli_usage (FILE *f);

#endif
