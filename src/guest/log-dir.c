/* Where the converter's logs go: a private directory, since the log shows
 * the guest's file systems, packages and configuration. */
#include "convert.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* DIR exists (or is made 0700) as our own directory, not a symlink.
 * STRICT (the operator's choice): refuse one open to others rather than
 * change its mode. */
static int
check_dir (const char *dir, bool strict, struct vmerr *err)
{
  struct stat st;

  if (mkdir (dir, 0700) == -1 && errno != EEXIST)
    return vmerr_set (err, VMERR_CONFIG, "cannot create the log directory %s: %s (give "
                      "--log-dir a directory you can write)", dir, strerror (errno));
  if (lstat (dir, &st) == -1)
    return vmerr_set (err, VMERR_CONFIG, "log directory %s: %s", dir, strerror (errno));
  if (!S_ISDIR (st.st_mode))
    return vmerr_set (err, VMERR_CONFIG, "log directory %s is %s, not a directory (give "
                      "--log-dir a private directory)", dir,
                      S_ISLNK (st.st_mode) ? "a symbolic link" : "a file");
  if (st.st_uid != geteuid ())
    return vmerr_set (err, VMERR_CONFIG, "log directory %s belongs to uid %ld, not to this "
                      "user: the converter's logs must stay private (give --log-dir a "
                      "directory of your own)", dir, (long) st.st_uid);
  if ((st.st_mode & 077) != 0) {
    if (strict)
      return vmerr_set (err, VMERR_CONFIG, "log directory %s is open to other users (mode "
                        "%03o): the converter's logs show the guest's files; run 'chmod 700 "
                        "%s' or give another --log-dir", dir, (unsigned) (st.st_mode & 0777),
                        dir);
    if (chmod (dir, 0700) == -1)
      return vmerr_set (err, VMERR_CONFIG, "cannot make log directory %s private: %s", dir,
                        strerror (errno));
  }
  if (access (dir, W_OK) == -1)
    return vmerr_set (err, VMERR_CONFIG, "log directory %s is not writable: %s", dir,
                      strerror (errno));
  return 0;
}

int
convert_log_dir (const char *want, char **dir, struct vmerr *err)
{
  const char *tmp = getenv ("TMPDIR");

  *dir = NULL;
  if (want) {
    if (check_dir (want, true, err) == -1)
      return -1;
    *dir = strdup (want);
  }
  else if (check_dir ("/var/log/vmigrate", false, &(struct vmerr) { 0 }) == 0)
    *dir = strdup ("/var/log/vmigrate");
  else {
    if (asprintf (dir, "%s/vmigrate-logs.%ld", tmp && *tmp ? tmp : "/tmp", (long) geteuid ()) < 0)
      *dir = NULL;
    else if (check_dir (*dir, false, err) == -1) {
      free (*dir);
      *dir = NULL;
      return -1;
    }
  }
  if (*dir == NULL)
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  return 0;
}
