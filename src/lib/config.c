/* The configuration's one helper that reads a file. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

char *
config_read_secret (const char *path, const char *what, struct vmerr *err)
{
  FILE *f = fopen (path, "r");
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  struct stat st;

  if (f == NULL) {
    vmerr_set (err, VMERR_CONFIG, "cannot read the %s file %s: %s", what, path, strerror (errno));
    return NULL;
  }
  if (fstat (fileno (f), &st) == 0 && S_ISDIR (st.st_mode)) {
    fclose (f);
    vmerr_set (err, VMERR_CONFIG, "the %s file %s is a directory: give the file that holds "
               "the %s", what, path, what);
    return NULL;
  }
  n = getline (&line, &cap, f);
  fclose (f);
  if (n <= 0) {
    free (line);
    vmerr_set (err, VMERR_CONFIG, "the %s file %s is empty", what, path);
    return NULL;
  }
  while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
    line[--n] = '\0';
  return line;
}
