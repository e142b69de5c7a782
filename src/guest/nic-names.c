/* The NIC-name step: a shell script for the converted guest whose body is
 * the data file nic-names.sh (embedded at build time), after the MACs. */
#include "convert.h"
#include "nic-names.h"

#include <stdio.h>
#include <string.h>

/* Only MAC-shaped words go into the script (they come from vSphere). */
static bool
mac_ok (const char *m)
{
  if (strlen (m) != 17)
    return false;
  for (int i = 0; i < 17; i++)
    if (i % 3 == 2 ? m[i] != ':' : !strchr ("0123456789abcdefABCDEF", m[i]))
      return false;
  return true;
}

char *
convert_nic_script (const struct convert_job *job)
{
  char *out = NULL;
  size_t len = 0, good = 0;
  FILE *f;

  for (size_t i = 0; i < job->nmacs; i++)
    good += mac_ok (job->macs[i]);
  if (good == 0 || (f = open_memstream (&out, &len)) == NULL)
    return NULL;
  fputs ("#!/bin/sh\n"
         "# vmigrate: keep the guest's interface names (VMware's ens192...) on the\n"
         "# new virtual NICs, by MAC address, so name-based network configs still match.\n"
         "macs='", f);
  for (size_t i = 0, k = 0; i < job->nmacs; i++)
    if (mac_ok (job->macs[i])) {
      for (const char *c = job->macs[i]; *c; c++)
        fputc (*c >= 'A' && *c <= 'F' ? *c - 'A' + 'a' : *c, f);
      fputs (++k < good ? " " : "", f);
    }
  fputs ("'\n", f);
  fputs (nic_names_body, f);
  fclose (f);
  return out;
}

