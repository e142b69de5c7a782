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

/* The child's environment, built before fork (a child of a threaded
 * program may only call async-signal-safe functions until exec): no
 * OpenStack settings (OS_PASSWORD, application credential secrets...): no
 * program vmigrate starts talks to OpenStack, and a child's environment is
 * readable in /proc by its user.  Then the defaults of the environment,
 * for names not set.  The strings are environ's and DEFAULTS'; free only
 * the array. */
static bool
has_name (char *const *env, size_t n, const char *entry)
{
  size_t len = strcspn (entry, "=");

  for (size_t i = 0; i < n; i++)
    if (strncmp (env[i], entry, len) == 0 && env[i][len] == '=')
      return true;
  return false;
}

static char **
child_env (const char *const *defaults, const char *const *set)
{
  size_t n = 0, k = 0, nset = 0;
  char **env;

  while (environ[n])
    n++;
  for (size_t i = 0; defaults && defaults[i]; i++)
    n++;
  while (set && set[nset])
    nset++;
  if ((env = calloc (n + nset + 1, sizeof *env)) == NULL)
    return NULL;
  for (size_t i = 0; i < nset; i++)
    if (strchr (set[i], '='))
      env[k++] = (char *) set[i];
  size_t first = k;  /* the inherited ones below must not repeat a set name */
  for (size_t i = 0; environ[i]; i++)
    if (strncmp (environ[i], "OS_", 3) != 0 &&
        !has_name (env, first, environ[i]))
      env[k++] = environ[i];
  for (size_t i = 0; defaults && defaults[i]; i++)
    if (strchr (defaults[i], '=') && !has_name (env, k, defaults[i]))
      env[k++] = (char *) defaults[i];
  return env;
}

/* "cannot run PROG: REASON HINT" on stderr with write(2) only. */
static void
say_cannot_run (const char *prog, int errnum, const char *hint)
{
  const char *parts[] = { "cannot run ", prog, ": ", strerror (errnum), hint ? hint : "", "\n" };

  for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
    if (write (2, parts[i], strlen (parts[i])) < 0)
      return;
}

int
spawn_start (char *const *argv, const struct spawn_opts *opts, pid_t *pid, struct vmerr *err)
{
  static const struct spawn_opts none = { 0 };
  pid_t parent = getpid ();
  char **env;

  if (opts == NULL)
    opts = &none;
  if ((env = child_env (opts->env_defaults, opts->env_set)) == NULL)
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  *pid = fork ();
  if (*pid == -1) {
    free (env);
    return vmerr_set (err, VMERR_FAILED, "fork: %s", strerror (errno));
  }
  if (*pid > 0) {
    free (env);
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
  /* exec keeps the signal mask and ignored signals: a child started from a
   * worker thread (signals blocked, thread.h) must still die of SIGTERM,
   * and none inherits vmigrate's ignored SIGPIPE. */
  sigset_t unblocked;
  sigemptyset (&unblocked);
  sigprocmask (SIG_SETMASK, &unblocked, NULL);
  signal (SIGPIPE, SIG_DFL);
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
  execvpe (argv[0], argv, env);
  say_cannot_run (argv[0], errno, opts->missing_hint);
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
