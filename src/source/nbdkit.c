/* nbdkit process management. */
#include "source/nbdkit.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <libnbd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct source {
  pid_t pid;          /* nbdkit */
  char *dir;          /* private directory holding the socket and log */
  char *socket;       /* dir/nbd.sock */
  char *errlog;       /* dir/nbdkit.err */
};

struct argv_builder {
  char **v;
  size_t n, cap;
  bool failed;
};

/* Append PREFIX followed by VAL (if not NULL) as one argument. */
static void
add (struct argv_builder *b, const char *prefix, const char *val)
{
  char *s = NULL;

  if (b->failed)
    return;
  if (b->n + 2 > b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 32;
    char **v = realloc (b->v, cap * sizeof *v);
    if (v == NULL) {
      b->failed = true;
      return;
    }
    b->v = v;
    b->cap = cap;
  }
  if (asprintf (&s, "%s%s", prefix, val ? val : "") < 0) {
    b->failed = true;
    return;
  }
  b->v[b->n++] = s;
  b->v[b->n] = NULL;
}

char **
source_argv (const struct source_spec *spec, const char *socket, struct vmerr *err)
{
  struct argv_builder b = { 0 };

  add (&b, spec->nbdkit ? spec->nbdkit : "nbdkit", NULL);
  add (&b, "--readonly", NULL);
  add (&b, "--exit-with-parent", NULL);
  add (&b, "--foreground", NULL);
  add (&b, "--unix", NULL);
  add (&b, "", socket);
  if (spec->kind == SOURCE_FILE) {
    if (spec->path == NULL) {
      vmerr_set (err, VMERR_CONFIG, "no source disk file given");
      goto fail;
    }
    add (&b, "file", NULL);
    add (&b, "file=", spec->path);
  }
  else {
    const char *missing = !spec->vddk_libdir ? "--vddk-libdir (the VDDK install directory)"
                          : !spec->server ? "the vCenter host"
                          : !spec->thumbprint ? "--vddk-thumbprint (SHA-1 of the vCenter certificate)"
                          : !spec->password_file ? "the password file"
                          : !spec->vm_moref || !spec->snapshot_moref || !spec->file ? "the VM, snapshot and disk"
                          : NULL;
    if (missing) {
      vmerr_set (err, VMERR_CONFIG, "the VDDK transport needs %s", missing);
      goto fail;
    }
    /* retry: NFC connections drop; blocksize: vCenter runs out of NFC memory
     * on big reads, so cap requests at 2 MiB. */
    add (&b, "--filter=retry", NULL);
    add (&b, "--filter=blocksize", NULL);
    add (&b, "vddk", NULL);
    add (&b, "libdir=", spec->vddk_libdir);
    add (&b, "server=", spec->server);
    if (spec->user)
      add (&b, "user=", spec->user);
    add (&b, "password=+", spec->password_file);
    add (&b, "thumbprint=", spec->thumbprint);
    add (&b, "vm=moref=", spec->vm_moref);
    add (&b, "snapshot=", spec->snapshot_moref);
    add (&b, "transports=", spec->transports ? spec->transports : "file:nbdssl:nbd");
    if (spec->compression && strcmp (spec->compression, "none") != 0)
      add (&b, "compression=", spec->compression);
    add (&b, "file=", spec->file);
    add (&b, "maxdata=2M", NULL);
  }
  if (!b.failed)
    return b.v;
  vmerr_set (err, VMERR_FAILED, "out of memory");
fail:
  source_argv_free (b.v);
  return NULL;
}

void
source_argv_free (char **argv)
{
  for (size_t i = 0; argv && argv[i]; i++)
    free (argv[i]);
  free (argv);
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

/* Poll until a libnbd client can connect, nbdkit exits, or we give up. */
static int
wait_ready (struct source *s, const char *prog, struct vmerr *err)
{
  for (int i = 0; i < 600; i++) {
    int status;
    if (waitpid (s->pid, &status, WNOHANG) == s->pid) {
      char tail[1024];
      s->pid = 0;
      tail_file (s->errlog, tail, sizeof tail);
      return vmerr_set (err, VMERR_COPY, "%s exited before serving the disk%s%s", prog,
                        tail[0] ? ": " : " (no message)", tail);
    }
    if (access (s->socket, F_OK) == 0) {
      struct nbd_handle *h = nbd_create ();
      int ok = h && nbd_connect_unix (h, s->socket) == 0;
      if (h)
        nbd_close (h);
      if (ok)
        return 0;
    }
    usleep (50 * 1000);
  }
  return vmerr_set (err, VMERR_COPY, "%s did not start serving within 30 s", prog);
}

struct source *
source_start (const struct source_spec *spec, struct vmerr *err)
{
  struct source *s = calloc (1, sizeof *s);
  char tmpl[] = "/tmp/vmigrate-nbd.XXXXXX";
  char **argv = NULL;

  if (s == NULL) {
    vmerr_set (err, VMERR_FAILED, "out of memory");
    return NULL;
  }
  if (mkdtemp (tmpl) == NULL) {
    vmerr_set (err, VMERR_FAILED, "cannot create a private directory in /tmp: %s", strerror (errno));
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
  s->pid = fork ();
  if (s->pid == -1) {
    s->pid = 0;
    vmerr_set (err, VMERR_FAILED, "fork: %s", strerror (errno));
    goto fail;
  }
  if (s->pid == 0) {
    int fd = open (s->errlog, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd >= 0) {
      dup2 (fd, 2);
      dup2 (fd, 1);
    }
    execvp (argv[0], argv);
    fprintf (stderr, "cannot run %s: %s (install nbdkit)\n", argv[0], strerror (errno));
    _exit (127);
  }
  log_debug ("started %s (pid %d) on %s", argv[0], (int) s->pid, s->socket);
  if (wait_ready (s, argv[0], err) == -1)
    goto fail;
  source_argv_free (argv);
  return s;
fail:
  source_argv_free (argv);
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
  if (s->pid > 0) {
    kill (s->pid, SIGTERM);
    waitpid (s->pid, NULL, 0);
  }
  if (s->socket)
    unlink (s->socket);
  if (s->errlog)
    unlink (s->errlog);
  if (s->dir)
    rmdir (s->dir);
  free (s->socket);
  free (s->errlog);
  free (s->dir);
  free (s);
}
