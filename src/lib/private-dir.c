/* Private temporary directories that outlive a killed run only until the
 * next one (see private-dir.h). */
#include "private-dir.h"
#include "log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *
tmp_base (void)
{
  const char *t = getenv ("TMPDIR");
  return t && *t && strlen (t) < 3000 ? t : "/tmp";
}

int
private_dir_make (const char *base, const char *prefix, char *out, size_t n, struct vmerr *err)
{
  if (base == NULL)
    base = tmp_base ();
  if ((size_t) snprintf (out, n, "%s/%s.%ld.XXXXXX", base, prefix, (long) getpid ()) >= n)
    return vmerr_set (err, VMERR_CONFIG, "temporary directory %s is too long a path", base);
  if (mkdtemp (out) == NULL)
    return vmerr_set (err, VMERR_FAILED, "cannot create a private directory in %s: %s", base,
                      strerror (errno));
  return 0;
}

void
private_dir_remove (const char *dir)
{
  DIR *d = opendir (dir);
  struct dirent *e;

  if (d == NULL)
    return;
  while ((e = readdir (d)) != NULL)
    if (strcmp (e->d_name, ".") != 0 && strcmp (e->d_name, "..") != 0)
      unlinkat (dirfd (d), e->d_name, 0);
  closedir (d);
  rmdir (dir);
}

/* PID still runs vmigrate (a recycled pid running something else does not
 * own the directory). */
static int
owner_alive (long pid)
{
  char path[64], comm[64] = "";
  FILE *f;

  if (pid <= 0 || (kill ((pid_t) pid, 0) == -1 && errno == ESRCH))
    return 0;
  snprintf (path, sizeof path, "/proc/%ld/comm", pid);
  f = fopen (path, "r");
  if (f == NULL)
    return 1;  /* no /proc: trust kill() */
  if (fgets (comm, sizeof comm, f) == NULL)
    comm[0] = '\0';
  fclose (f);
  comm[strcspn (comm, "\n")] = '\0';
  return strcmp (comm, "vmigrate") == 0;
}

static int
reap_in (const char *base, const char *const *prefixes)
{
  DIR *d = opendir (base);
  struct dirent *e;
  int removed = 0;

  if (d == NULL)
    return 0;
  while ((e = readdir (d)) != NULL) {
    for (const char *const *p = prefixes; *p; p++) {
      size_t len = strlen (*p);
      char *end;
      struct stat st;
      char path[4096];
      if (strncmp (e->d_name, *p, len) != 0 || e->d_name[len] != '.')
        continue;
      long pid = strtol (e->d_name + len + 1, &end, 10);
      if (end == e->d_name + len + 1 || *end != '.')
        continue;
      if (fstatat (dirfd (d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
          !S_ISDIR (st.st_mode) || st.st_uid != geteuid () || owner_alive (pid))
        continue;
      snprintf (path, sizeof path, "%s/%s", base, e->d_name);
      private_dir_remove (path);
      log_info ("removed %s, left by a run that ended (pid %ld)", path, pid);
      removed++;
    }
  }
  closedir (d);
  return removed;
}

int
private_dir_reap (const char *const *prefixes)
{
  const char *base = tmp_base ();
  int n = reap_in (base, prefixes);

  if (strcmp (base, "/tmp") != 0)
    n += reap_in ("/tmp", prefixes);
  return n;
}
