/* fork, exec and wait, once. */
#include "spawn.h"
#include "interrupt.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* In the child: no OpenStack settings (OS_PASSWORD, application
 * credential secrets...): no program vmigrate starts talks to OpenStack,
 * and a child's environment is readable in /proc by its user.  Then the
 * defaults of the environment. */
/* The NAME of a "NAME=VALUE" entry into BUF; its value, or NULL when the
 * entry has no '=' or the name does not fit. */
static const char *
env_split (const char *entry, char *buf, size_t n)
{
  const char *eq = strchr (entry, '=');

  if (eq == NULL || (size_t) (eq - entry) >= n)
    return NULL;
  memcpy (buf, entry, (size_t) (eq - entry));
  buf[eq - entry] = '\0';
  return eq + 1;
}

static void
child_env (const char *const *env)
{
  char name[256];
  const char *value;

  for (size_t i = 0; environ[i];) {
    if (strncmp (environ[i], "OS_", 3) == 0 && env_split (environ[i], name, sizeof name))
      unsetenv (name);  /* environ shifts down: look at index i again */
    else
      i++;
  }
  for (size_t i = 0; env && env[i]; i++)
    if ((value = env_split (env[i], name, sizeof name)) != NULL)
      setenv (name, value, 0);
}

int
spawn_start (char *const *argv, const struct spawn_opts *opts, pid_t *pid, struct vmerr *err)
{
  static const struct spawn_opts none = { 0 };
  pid_t parent = getpid ();

  if (opts == NULL)
    opts = &none;
  *pid = fork ();
  if (*pid == -1)
    return vmerr_set (err, VMERR_FAILED, "fork: %s", strerror (errno));
  if (*pid > 0) {
    /* Both sides set the group, so it exists whichever runs first. */
    setpgid (*pid, *pid);
    return 0;
  }
  /* A child never outlives vmigrate: killed with it even by kill -9 (a
   * converter left writing a volume that a rerun converts again is data
   * corruption); if vmigrate is already gone, do not start at all.  Its
   * own process group lets vmigrate stop it with whatever it started. */
  setpgid (0, 0);
  if (prctl (PR_SET_PDEATHSIG, SIGKILL) == -1 || getppid () != parent)
    _exit (127);
  if (opts->log_path) {
    /* Never through a symlink: someone could point it at a file of ours. */
    int fd = open (opts->log_path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW |
                   (opts->log_truncate ? O_TRUNC : O_APPEND), 0600);
    if (fd >= 0) {
      dup2 (fd, 1);
      dup2 (fd, 2);
    }
  }
  if (opts->quiet) {
    int null = open ("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
      dup2 (null, 0);
      dup2 (null, 2);
    }
  }
  if (opts->stdout_fd > 0)
    dup2 (opts->stdout_fd, 1);
  child_env (opts->env_defaults);
  execvp (argv[0], argv);
  fprintf (stderr, "cannot run %s: %s%s\n", argv[0], strerror (errno),
           opts->missing_hint ? opts->missing_hint : "");
  _exit (127);
}

int
spawn_wait (pid_t pid, int *status)
{
  bool forwarded = false;

  while (waitpid (pid, status, 0) == -1) {
    if (errno != EINTR)
      return -1;
    /* SIGINT/SIGTERM reached vmigrate (a terminal's Ctrl-C no longer
     * reaches the child's own group): pass it on to the whole group. */
    if (interrupted () && !forwarded) {
      kill (-pid, SIGTERM);
      forwarded = true;
    }
  }
  return 0;
}

void
spawn_stop (pid_t pid)
{
  int status;

  if (pid <= 0)
    return;
  kill (-pid, SIGTERM);
  kill (pid, SIGTERM);
  spawn_wait (pid, &status);
}

int
spawn_run (char *const *argv, const struct spawn_opts *opts, int *status, struct vmerr *err)
{
  pid_t pid;

  if (spawn_start (argv, opts, &pid, err) == -1)
    return -1;
  if (spawn_wait (pid, status) == -1)
    return vmerr_set (err, VMERR_FAILED, "waiting for %s: %s", argv[0], strerror (errno));
  return 0;
}

int
spawn_capture (char *const *argv, char *out, size_t n)
{
  char junk[4096];
  size_t len = 0;
  int fds[2], status;
  pid_t pid;
  struct vmerr ignored;

  if (n == 0 || pipe2 (fds, O_CLOEXEC) == -1)
    return -1;
  int rc = spawn_start (argv, &(struct spawn_opts) { .quiet = true, .stdout_fd = fds[1] }, &pid,
                        &ignored);
  close (fds[1]);
  if (rc == -1) {
    close (fds[0]);
    return -1;
  }
  for (;;) {
    /* Keep reading past a full buffer so the child never blocks on us. */
    bool room = len < n - 1;
    ssize_t r = read (fds[0], room ? out + len : junk, room ? n - 1 - len : sizeof junk);
    if (r == -1 && errno == EINTR)
      continue;
    if (r <= 0)
      break;
    if (room)
      len += (size_t) r;
  }
  out[len] = '\0';
  close (fds[0]);
  spawn_wait (pid, &status);
  return 0;
}
