#ifndef VMIGRATE_LIB_SPAWN_H
#define VMIGRATE_LIB_SPAWN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"

/* Running helper programs (nbdkit, the converter, virt-customize): the one
 * fork/exec/wait.  A child is tied to vmigrate's life: it gets SIGKILL
 * when vmigrate dies, even by kill -9 (PR_SET_PDEATHSIG), and it runs in a
 * process group of its own, which spawn_wait signals when vmigrate is
 * interrupted and spawn_stop ends.  It gets vmigrate's environment without
 * the OpenStack settings (OS_*: passwords, secrets).  Thread-safe (no
 * shared state; the environment is built before fork and the child only
 * calls async-signal-safe functions before exec), as long as no thread
 * changes the environment meanwhile. */

struct spawn_opts {
  const char *log_path;      /* stdout and stderr go here (NULL: inherited) */
  bool log_truncate;         /* start the log empty instead of appending */
  const char *const *env_defaults; /* "NAME=VALUE" words set in the child when
                                    * NAME is not set; NULL-terminated, or NULL */
  const char *const *env_set;      /* "NAME=VALUE" words set in the child over
                                    * any inherited NAME; NULL-terminated, or NULL */
  const char *missing_hint;  /* added to "cannot run PROG: ..." in the log
                              * (" (install nbdkit)"), or NULL */
  bool quiet;                /* stdin and stderr on /dev/null (probes) */
  int stdout_fd;             /* > 0: the child's stdout (a pipe), over log_path */
};

/* Start ARGV (argv[0] looked up in PATH) and set *PID.  Returns 0, or -1
 * with err set when fork fails (an exec failure shows as exit status 127,
 * with the reason in the log). */
int spawn_start (char *const *argv, const struct spawn_opts *opts, pid_t *pid,
                 struct vmerr *err);

/* Wait for PID; *STATUS as waitpid gives it.  When SIGINT/SIGTERM reach
 * vmigrate meanwhile, its process group gets SIGTERM (once) and the wait
 * goes on until it exits.  Returns 0, or -1 when PID is not our child. */
int spawn_wait (pid_t pid, int *status);

/* End PID and its process group (SIGTERM) and reap it; PID <= 0 is a no-op. */
void spawn_stop (pid_t pid);

/* spawn_start then spawn_wait.  Returns 0 with *STATUS set, or -1 with
 * err set. */
int spawn_run (char *const *argv, const struct spawn_opts *opts, int *status,
               struct vmerr *err);

/* Run ARGV with stdin and stderr on /dev/null and keep the first N-1 bytes
 * of its stdout in OUT (NUL-terminated; the rest is read and dropped so
 * the child never blocks).  Returns 0 when it ran (whatever its exit
 * status), -1 when it could not be started. */
int spawn_capture (char *const *argv, char *out, size_t n);

#endif
