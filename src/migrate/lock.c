/* Per-VM run lock. */
#include "lock.h"

#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

struct vm_lock {
  int fd;       /* holds the flock */
  char *path;   /* lock file (left in place: unlinking would race) */
};

const char *
vm_lock_default_dir (void)
{
  const char *d = getenv ("VMIGRATE_LOCK_DIR");

  if (d && *d)
    return d;
  if (access ("/run/lock", W_OK) == 0)
    return "/run/lock/vmigrate";
  return "/tmp/vmigrate-locks";
}

/* "1234 (nbdkit), 1240 (sleep)": the processes that hold PATH open, read
 * from /proc (fuser and lsof may not be installed). */
static void
holders (const char *path, char *out, size_t n)
{
  DIR *proc = opendir ("/proc");
  struct dirent *p;
  size_t used = 0, found = 0;

  out[0] = '\0';
  while (proc && (p = readdir (proc)) != NULL && found < 6) {
    char fddir[300], link[4096], target[4096], comm[64] = "?";
    DIR *fds;
    struct dirent *f;
    bool holds = false;
    if (p->d_name[0] < '0' || p->d_name[0] > '9' || (long) getpid () == atol (p->d_name))
      continue;
    snprintf (fddir, sizeof fddir, "/proc/%s/fd", p->d_name);
    if ((fds = opendir (fddir)) == NULL)
      continue;
    while (!holds && (f = readdir (fds)) != NULL) {
      snprintf (link, sizeof link, "%s/%s", fddir, f->d_name);
      ssize_t len = readlink (link, target, sizeof target - 1);
      if (len > 0) {
        target[len] = '\0';
        holds = strcmp (target, path) == 0;
      }
    }
    closedir (fds);
    if (!holds)
      continue;
    snprintf (link, sizeof link, "/proc/%s/comm", p->d_name);
    FILE *c = fopen (link, "r");
    if (c) {
      if (fgets (comm, sizeof comm, c) == NULL)
        snprintf (comm, sizeof comm, "?");
      comm[strcspn (comm, "\n")] = '\0';
      fclose (c);
    }
    int w = snprintf (out + used, n - used, "%s%s (%s)", found ? ", " : "", p->d_name, comm);
    if (w < 0 || (size_t) w >= n - used)
      break;
    used += (size_t) w;
    found++;
  }
  if (proc)
    closedir (proc);
}

struct vm_lock *
vm_lock_take (const char *dir, const char *vm_id, const char *vm_name, struct vmerr *err)
{
  struct vm_lock *l = calloc (1, sizeof *l);
  char pidbuf[32];

  if (l == NULL) {
    vmerr_set (err, VMERR_FAILED, "out of memory");
    return NULL;
  }
  l->fd = -1;
  if (mkdir (dir, 0700) == -1 && errno != EEXIST) {
    vmerr_set (err, VMERR_CONFIG, "cannot create the lock directory %s: %s (set "
               "VMIGRATE_LOCK_DIR to a writable directory)", dir, strerror (errno));
    goto fail;
  }
  if (asprintf (&l->path, "%s/%s.lock", dir, vm_id) < 0) {
    l->path = NULL;
    vmerr_set (err, VMERR_FAILED, "out of memory");
    goto fail;
  }
  /* Not close-on-exec: the programs a run starts (nbdkit, the converter,
   * and theirs) hold the lock too, so no new run starts while one of them
   * still writes a volume. */
  l->fd = open (l->path, O_RDWR | O_CREAT, 0600);
  if (l->fd == -1) {
    vmerr_set (err, VMERR_CONFIG, "cannot open the lock file %s: %s", l->path, strerror (errno));
    goto fail;
  }
  if (flock (l->fd, LOCK_EX | LOCK_NB) == -1) {
    ssize_t n = pread (l->fd, pidbuf, sizeof pidbuf - 1, 0);
    pidbuf[n > 0 ? n : 0] = '\0';
    pidbuf[strcspn (pidbuf, "\n")] = '\0';
    char who[512];
    holders (l->path, who, sizeof who);
    vmerr_set (err, VMERR_LOCKED, "another vmigrate run (pid %s) is working on VM '%s' on "
               "this host; wait for it to finish (a killed run releases the lock by itself, "
               "once every program it started has ended; holding the lock %s now: %s)",
               pidbuf[0] ? pidbuf : "?", vm_name, l->path, who[0] ? who : "?");
    goto fail;
  }
  snprintf (pidbuf, sizeof pidbuf, "%ld\n", (long) getpid ());
  if (ftruncate (l->fd, 0) == 0 && pwrite (l->fd, pidbuf, strlen (pidbuf), 0) < 0) {
    /* The pid is only informative. */
  }
  return l;
fail:
  vm_lock_release (l);
  return NULL;
}

void
vm_lock_release (struct vm_lock *l)
{
  if (l == NULL)
    return;
  if (l->fd >= 0)
    close (l->fd);
  free (l->path);
  free (l);
}
