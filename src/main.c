/* vmigrate: move VMware VMs to OpenStack with minimal downtime.
 * This is the command-line entry point; the migration engine is built in
 * the following issues.  Exit codes are documented in vmigrate(1). */
#include "config.h"
#include "version.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { EXIT_USAGE = 2 };

static void
usage (FILE *f)
{
  fprintf (f,
           "Usage: vmigrate [OPTIONS] COMMAND VM\n"
           "Move a VMware VM to OpenStack Cinder volumes over several seeding windows\n"
           "(VMware Changed Block Tracking), then cut over with one short final delta.\n"
           "\n"
           "Options:\n"
           "  -h, --help      show this help and exit\n"
           "  -V, --version   show the version and library versions, then exit\n"
           "\n"
           "See vmigrate(1) for the commands, every option, environment and exit codes.\n");
}

int
main (int argc, char **argv)
{
  static const struct option opts[] = {
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 },
  };
  int c;

  while ((c = getopt_long (argc, argv, "hV", opts, NULL)) != -1) {
    switch (c) {
    case 'h':
      usage (stdout);
      return EXIT_SUCCESS;
    case 'V':
      fputs (vmigrate_version_text (), stdout);
      return EXIT_SUCCESS;
    default:
      usage (stderr);
      return EXIT_USAGE;
    }
  }
  if (optind >= argc) {
    fprintf (stderr, "vmigrate: no command given (try: vmigrate --help)\n");
    return EXIT_USAGE;
  }
  fprintf (stderr, "vmigrate: unknown command '%s' (try: vmigrate --help)\n", argv[optind]);
  return EXIT_USAGE;
}
