/* nbdkit process management: the argv from the transport, the process,
 * its readiness, its stop. */
#include "source.h"
#include "log.h"
#include "private-dir.h"
#include "spawn.h"
#include "transport.h"
#include "wait-until.h"

#include <errno.h>
#include <libnbd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum { READY_TIMEOUT_S = 30 };  /* nbdkit-vddk's first connection can be slow */

struct source {
  pid_t pid;          /* nbdkit */
  char *dir;          /* private directory holding the socket and log */
  char *socket;       /* dir/nbd.sock */
  char *errlog;       /* dir/nbdkit.err */
};

static const struct source_transport *const transports[] = {
  &source_file_transport,
  &source_vddk_transport,
};

char **
source_argv (const struct source_spec *spec, const char *socket, struct vmerr *err)
{
  struct argv_builder b = { 0 };

  argv_add (&b, spec->nbdkit ? spec->nbdkit : "nbdkit");
  argv_add (&b, "--readonly");
  argv_add (&b, "--exit-with-parent");
  argv_add (&b, "--foreground");
  argv_add (&b, "--unix");
  argv_add (&b, socket);
  for (size_t i = 0; i < sizeof transports / sizeof transports[0]; i++)
    if (transports[i]->kind == spec->kind) {
      if (transports[i]->add_args (spec, &b, err) == -1) {
        argv_discard (&b);
        return NULL;
      }
      return argv_finish (&b, err);
    }
  argv_discard (&b);
  vmerr_set (err, VMERR_CONFIG, "unknown source transport %d", (int) spec->kind);
  return NULL;
}

/* Last lines of nbdkit's stderr, for error messages. */
static void
tail_file (const char *path, char *out, size_t n)
{
  FILE *f = fopen (path, "r");
  size_t len;

  out[0] = '\0';
  if (f == NULL)
    return;
  fseek (f, 0, SEEK_END);
  long size = ftell (f);
  fseek (f, size > (long) n - 1 ? size - (long) n + 1 : 0, SEEK_SET);
  len = fread (out, 1, n - 1, f);
  out[len] = '\0';
  fclose (f);
  while (len > 0 && (out[len - 1] == '\n' || out[len - 1] == '\r'))
    out[--len] = '\0';
}

struct ready_probe {
  struct source *s;      /* the server starting */
  const char *prog;      /* its name, for messages */
};

/* Serving: a libnbd client connects.  Exited: fail with its last words. */
static int
serving (void *opaque, struct vmerr *err)
{
  struct ready_probe *p = opaque;
  struct source *s = p->s;
  int status;

  if (waitpid (s->pid, &status, WNOHANG) == s->pid) {
    char tail[1024];
    s->pid = 0;
    tail_file (s->errlog, tail, sizeof tail);
    return vmerr_set (err, VMERR_COPY, "%s exited before serving the disk%s%s", p->prog,
                      tail[0] ? ": " : " (no message)", tail);
  }
  if (access (s->socket, F_OK) == 0) {
    struct nbd_handle *h = nbd_create ();
    int ok = h && nbd_connect_unix (h, s->socket) == 0;
    if (h)
      nbd_close (h);
    if (ok)
      return 1;
  }
  return 0;
}

static int
wait_ready (struct source *s, const char *prog, struct vmerr *err)
{
  /* nbdkit serves within tens of milliseconds: look soon, then every 50 ms. */
  static const struct wait_spec spec = { .timeout_s = READY_TIMEOUT_S, .first_delay_s = 0.005,
                                         .max_delay_s = 0.05 };
  struct ready_probe p = { s, prog };

  switch (wait_until (&spec, serving, &p, err)) {
  case WAIT_DONE:
    return 0;
  case WAIT_FAILED:
    return -1;
  default:
    return vmerr_set (err, VMERR_COPY, "%s did not start serving within %d s", prog,
                      READY_TIMEOUT_S);
  }
}

struct source *
source_start (const struct source_spec *spec, struct vmerr *err)
{
  struct source *s = calloc (1, sizeof *s);
  char tmpl[128];
  char **argv = NULL;

  if (s == NULL) {
    vmerr_set (err, VMERR_FAILED, "out of memory");
    return NULL;
  }
  /* /tmp, not $TMPDIR: a Unix socket path must stay under 108 bytes. */
  if (private_dir_make ("/tmp", SOURCE_DIR_PREFIX, tmpl, sizeof tmpl, err) == -1) {
    free (s);
    return NULL;
  }
  s->dir = strdup (tmpl);
  if (s->dir == NULL || asprintf (&s->socket, "%s/nbd.sock", tmpl) < 0 ||
      asprintf (&s->errlog, "%s/nbdkit.err", tmpl) < 0) {
    vmerr_set (err, VMERR_FAILED, "out of memory");
    goto fail;
  }
  argv = source_argv (spec, s->socket, err);
  if (argv == NULL)
    goto fail;
  struct spawn_opts so = { .log_path = s->errlog, .log_truncate = true,
                          .missing_hint = " (install nbdkit)" };
  if (spawn_start (argv, &so, &s->pid, err) == -1) {
    s->pid = 0;
    goto fail;
  }
  log_debug ("started %s (pid %d) on %s", argv[0], (int) s->pid, s->socket);
  if (wait_ready (s, argv[0], err) == -1)
    goto fail;
  argv_free (argv);
  return s;
fail:
  argv_free (argv);
  source_stop (s);
  return NULL;
}

const char *
source_socket (const struct source *s)
{
  return s->socket;
}

void
source_stop (struct source *s)
{
  if (s == NULL)
    return;
  spawn_stop (s->pid);
  if (s->dir)
    private_dir_remove (s->dir);
  free (s->socket);
  free (s->errlog);
  free (s->dir);
  free (s);
}
