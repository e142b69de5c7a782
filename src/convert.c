/* Running virt-v2v-in-place and keeping its log. */
#include "convert.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

char *
convert_libvirt_xml (const struct convert_job *job)
{
  char *out = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&out, &len);

  if (f == NULL)
    return NULL;
  fprintf (f, "<domain type='kvm'>\n  <name>%s</name>\n  <memory unit='KiB'>2097152</memory>\n"
           "  <vcpu>2</vcpu>\n  <os%s>\n    <type arch='x86_64'>hvm</type>\n  </os>\n"
           "  <devices>\n", job->vm_name,
           job->firmware && strcmp (job->firmware, "efi") == 0 ? " firmware='efi'" : "");
  for (size_t i = 0; i < job->ndevices; i++) {
    struct stat st;
    bool block = stat (job->devices[i], &st) == 0 && S_ISBLK (st.st_mode);
    fprintf (f, "    <disk type='%s' device='disk'>\n      <driver name='qemu' type='raw'/>\n"
             "      <source %s='%s'/>\n      <target dev='sd%c' bus='scsi'/>\n    </disk>\n",
             block ? "block" : "file", block ? "dev" : "file", job->devices[i], (char) ('a' + i));
  }
  fprintf (f, "  </devices>\n</domain>\n");
  fclose (f);
  return out;
}

void
convert_argv_free (char **argv)
{
  for (size_t i = 0; argv && argv[i]; i++)
    free (argv[i]);
  free (argv);
}

char **
convert_argv (const struct convert_job *job, const char *xml_path, struct vmerr *err)
{
  char *cmd = strdup (job->command), *save = NULL;
  char **argv = calloc (64, sizeof *argv);
  size_t n = 0;

  if (cmd == NULL || argv == NULL)
    goto oom;
  /* The command may carry its own options ("virt-v2v-in-place -v -x"). */
  for (char *w = strtok_r (cmd, " \t", &save); w && n < 56; w = strtok_r (NULL, " \t", &save))
    if ((argv[n++] = strdup (w)) == NULL)
      goto oom;
  if (n == 0) {
    free (cmd);
    free (argv);
    vmerr_set (err, VMERR_CONFIG, "the converter command is empty (--v2v-command)");
    return NULL;
  }
  const char *mode = job->ndevices == 1 ? "disk" : "libvirtxml";
  const char *input = job->ndevices == 1 ? job->devices[0] : xml_path;
  if (!(argv[n++] = strdup ("-i")) || !(argv[n++] = strdup (mode)) || !(argv[n++] = strdup (input)))
    goto oom;
  free (cmd);
  return argv;
oom:
  free (cmd);
  convert_argv_free (argv);
  vmerr_set (err, VMERR_FAILED, "out of memory");
  return NULL;
}

int
convert_run (const struct convert_job *job, char **log_path, struct vmerr *err)
{
  char xml_path[] = "/tmp/vmigrate-domain.XXXXXX";
  char **argv = NULL;
  int xml_fd = -1, rc = -1, status;
  pid_t pid;

  *log_path = NULL;
  if (job->ndevices > 1) {
    char *xml = convert_libvirt_xml (job);
    xml_fd = mkstemp (xml_path);
    if (xml == NULL || xml_fd == -1 || write (xml_fd, xml, strlen (xml)) != (ssize_t) strlen (xml)) {
      free (xml);
      vmerr_set (err, VMERR_CONVERT, "cannot write the guest description for the converter");
      goto out;
    }
    free (xml);
  }
  argv = convert_argv (job, xml_path, err);
  if (argv == NULL)
    goto out;
  if (asprintf (log_path, "%s/vmigrate-v2v-%s-%ld.log", job->log_dir ? job->log_dir : ".",
                job->vm_name, (long) time (NULL)) < 0) {
    *log_path = NULL;
    vmerr_set (err, VMERR_FAILED, "out of memory");
    goto out;
  }
  log_info ("converting the guest: %s -i %s (log: %s)", argv[0],
            job->ndevices == 1 ? "disk" : "libvirtxml", *log_path);
  pid = fork ();
  if (pid == -1) {
    vmerr_set (err, VMERR_CONVERT, "fork: %s", strerror (errno));
    goto out;
  }
  if (pid == 0) {
    int fd = open (*log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd >= 0) {
      dup2 (fd, 1);
      dup2 (fd, 2);
    }
    setenv ("LIBGUESTFS_BACKEND", "direct", 0);
    execvp (argv[0], argv);
    fprintf (stderr, "cannot run %s: %s\n", argv[0], strerror (errno));
    _exit (127);
  }
  while (waitpid (pid, &status, 0) == -1 && errno == EINTR)
    ;
  if (WIFEXITED (status) && WEXITSTATUS (status) == 0)
    rc = 0;
  else if (WIFEXITED (status))
    vmerr_set (err, VMERR_CONVERT, "%s failed with exit status %d; its log is %s",
               argv[0], WEXITSTATUS (status), *log_path);
  else
    vmerr_set (err, VMERR_CONVERT, "%s was killed by signal %d; its log is %s", argv[0],
               WTERMSIG (status), *log_path);
out:
  if (xml_fd >= 0) {
    close (xml_fd);
    unlink (xml_path);
  }
  convert_argv_free (argv);
  return rc;
}
