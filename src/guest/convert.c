/* Running virt-v2v-in-place (and virt-customize) and keeping its log. */
#include "convert.h"
#include "argv.h"
#include "log.h"
#include "private-dir.h"
#include "spawn.h"
#include "xml.h"

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
  /* VM names and device paths are data, not markup ("R&D <test>" is a
   * valid vSphere VM name). */
  char *name = xml_escape (job->vm_name);
  FILE *f = name ? open_memstream (&out, &len) : NULL;
  bool ok = f != NULL;

  if (f)
    fprintf (f, "<domain type='kvm'>\n  <name>%s</name>\n  <memory unit='KiB'>2097152</memory>\n"
             "  <vcpu>2</vcpu>\n  <os%s>\n    <type arch='x86_64'>hvm</type>\n  </os>\n"
             "  <devices>\n", name,
             job->firmware && strcmp (job->firmware, "efi") == 0 ? " firmware='efi'" : "");
  for (size_t i = 0; ok && i < job->ndevices; i++) {
    struct stat st;
    bool block = stat (job->devices[i], &st) == 0 && S_ISBLK (st.st_mode);
    char *dev = xml_escape (job->devices[i]);
    ok = dev != NULL;
    if (ok)
      fprintf (f, "    <disk type='%s' device='disk'>\n      <driver name='qemu' type='raw'/>\n"
               "      <source %s='%s'/>\n      <target dev='sd%c' bus='scsi'/>\n    </disk>\n",
               block ? "block" : "file", block ? "dev" : "file", dev, (char) ('a' + i));
    free (dev);
  }
  if (f) {
    fprintf (f, "  </devices>\n</domain>\n");
    fclose (f);
  }
  free (name);
  if (!ok) {
    free (out);
    return NULL;
  }
  return out;
}

/* The --run and --firstboot options (ours, the NIC step, then first-boot
 * scripts), for the converter or for virt-customize alike. */
static void
add_scripts (struct argv_builder *b, const struct convert_job *job, const char *nic_script)
{
  for (size_t i = 0; i < job->nrun; i++) {
    argv_add (b, "--run");
    argv_add (b, job->run[i]);
  }
  if (nic_script) {
    argv_add (b, "--run");
    argv_add (b, nic_script);
  }
  for (size_t i = 0; i < job->nfirstboot; i++) {
    argv_add (b, "--firstboot");
    argv_add (b, job->firstboot[i]);
  }
}

/* OPT appears in TEXT as a whole option word ("--run", not "--run-command"). */
static bool
lists_option (const char *text, const char *opt)
{
  size_t len = strlen (opt);
  for (const char *p = strstr (text, opt); p; p = strstr (p + 1, opt)) {
    char after = p[len];
    if ((p == text || p[-1] == ' ' || p[-1] == ',' || p[-1] == '\n')
        && !(after == '-' || (after >= 'a' && after <= 'z')))
      return true;
  }
  return false;
}

/* Does the converter program take virt-customize's --run and --firstboot?
 * Its --help lists its options (Debian 12's virt-v2v-in-place 2.2 lists
 * neither); a wrapper script passes --help on to the program it wraps. */
static bool
converter_takes_customize (const char *command)
{
  char prog[4096], out[65536];
  size_t len = strcspn (command, " \t");

  if (len == 0 || len >= sizeof prog)
    return false;
  memcpy (prog, command, len);
  prog[len] = '\0';
  if (spawn_capture ((char *[]) { prog, (char *) "--help", NULL }, out, sizeof out) == -1)
    return false;
  return lists_option (out, "--run") && lists_option (out, "--firstboot");
}

bool
convert_customize_in_converter (const struct convert_job *job)
{
  const char *m = job->customize;
  if (m && strcmp (m, "converter") == 0)
    return true;
  if (m && strcmp (m, "virt-customize") == 0)
    return false;
  /* auto: the converter when its build takes the options, else
   * virt-customize after it (works with every version). */
  return converter_takes_customize (job->command);
}

char **
convert_argv_nic (const struct convert_job *job, const char *xml_path, const char *nic_script,
                  struct vmerr *err)
{
  struct argv_builder b = { 0 };

  argv_add_words (&b, job->command);
  if (b.n == 0 && !b.failed) {
    argv_discard (&b);
    vmerr_set (err, VMERR_CONFIG, "the converter command is empty (--v2v-command)");
    return NULL;
  }
  for (size_t i = 0; i < job->noptions; i++)
    argv_add (&b, job->options[i]);
  if (convert_customize_in_converter (job))
    add_scripts (&b, job, nic_script);
  argv_add (&b, "-i");
  argv_add (&b, job->ndevices == 1 ? "disk" : "libvirtxml");
  argv_add (&b, job->ndevices == 1 ? job->devices[0] : xml_path);
  return argv_finish (&b, err);
}

char **
convert_argv (const struct convert_job *job, const char *xml_path, struct vmerr *err)
{
  return convert_argv_nic (job, xml_path, NULL, err);
}

char **
convert_customize_argv (const struct convert_job *job, const char *nic_script, struct vmerr *err)
{
  struct argv_builder b = { 0 };

  argv_add_words (&b, job->customize_command && *job->customize_command
                          ? job->customize_command : "virt-customize");
  if (b.n == 0)
    b.failed = true;
  argv_add (&b, "--format");
  argv_add (&b, "raw");
  for (size_t i = 0; i < job->ndevices; i++) {
    argv_add (&b, "-a");
    argv_add (&b, job->devices[i]);
  }
  add_scripts (&b, job, nic_script);
  return argv_finish (&b, err);
}

/* Run ARGV with stdout/stderr appended to LOG_PATH; 0 on exit status 0. */
static int
run_logged (char **argv, const char *log_path, const char *what, const char *virtio_win,
            struct vmerr *err)
{
  static const char *const env[] = { "LIBGUESTFS_BACKEND=direct", NULL };
  char *vw = NULL;
  const char *set[] = { NULL, NULL };
  struct spawn_opts opts = { .log_path = log_path, .env_defaults = env, .env_set = set };
  int status, rc;

  if (virtio_win && asprintf (&vw, "VIRTIO_WIN=%s", virtio_win) < 0)
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  set[0] = vw;
  rc = spawn_run (argv, &opts, &status, err);
  free (vw);

  if (rc == -1) {
    err->code = VMERR_CONVERT;
    return -1;
  }
  if (WIFEXITED (status) && WEXITSTATUS (status) == 0)
    return 0;
  if (WIFEXITED (status))
    return vmerr_set (err, VMERR_CONVERT, "%s (%s) failed with exit status %d; its log is %s",
                      argv[0], what, WEXITSTATUS (status), log_path);
  return vmerr_set (err, VMERR_CONVERT, "%s (%s) was killed by signal %d; its log is %s", argv[0],
                    what, WTERMSIG (status), log_path);
}

/* "web 01/../x" -> "web_01_.._x": the VM name goes into a file name. */
static void
sanitise_name (const char *name, char *out, size_t n)
{
  size_t i = 0;

  for (; name && name[i] && i + 1 < n && i < 64; i++) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || (c == '.' && i > 0);
    out[i] = ok ? c : '_';
  }
  out[i] = '\0';
  if (i == 0)
    snprintf (out, n, "vm");
}

/* Write TEXT to DIR/NAME (MODE) into PATH; 0 or -1. */
static int
write_private_file (const char *dir, const char *name, const char *text, mode_t mode,
                    char *path, size_t n)
{
  size_t len = strlen (text);
  int fd, rc = -1;

  if ((size_t) snprintf (path, n, "%s/%s", dir, name) >= n)
    return -1;
  fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd == -1)
    return -1;
  if (write (fd, text, len) == (ssize_t) len && fchmod (fd, mode) == 0)
    rc = 0;
  close (fd);
  return rc;
}

int
convert_run (const struct convert_job *job, char **log_path, struct vmerr *err)
{
  /* TMPDIR is honoured (the Ansible module gives each run a private one);
   * the directories are private and named for their owner, so a run that
   * was killed leaves nothing the next one does not remove. */
  char xml_dir[4096] = "", nic_dir[4096] = "", xml_path[4200] = "", nic_path[4200] = "";
  char **argv = NULL, **cargv = NULL, *nic = NULL, safe[72];
  int rc = -1;
  /* Decide once who applies the scripts ("auto" runs the converter's
   * --help); both argv builders below then read the settled choice. */
  struct convert_job settled = *job;
  settled.customize = convert_customize_in_converter (job) ? "converter" : "virt-customize";
  job = &settled;

  *log_path = NULL;
  if (job->ndevices > 1) {
    char *xml = convert_libvirt_xml (job);
    if (xml == NULL || private_dir_make (NULL, CONVERT_DOMAIN_PREFIX, xml_dir, sizeof xml_dir,
                                         err) == -1 ||
        write_private_file (xml_dir, "domain.xml", xml, 0600, xml_path, sizeof xml_path) == -1) {
      free (xml);
      vmerr_set (err, VMERR_CONVERT, "cannot write the guest description for the converter");
      goto out;
    }
    free (xml);
  }
  nic = convert_nic_script (job);
  if (nic && (private_dir_make (NULL, CONVERT_NIC_PREFIX, nic_dir, sizeof nic_dir, err) == -1 ||
              write_private_file (nic_dir, "nic-names.sh", nic, 0755, nic_path,
                                  sizeof nic_path) == -1)) {
    vmerr_set (err, VMERR_CONVERT, "cannot write the NIC-name script for the converter");
    goto out;
  }
  argv = convert_argv_nic (job, xml_path, nic ? nic_path : NULL, err);
  if (argv == NULL)
    goto out;
  bool customize = !convert_customize_in_converter (job)
                   && (nic || job->nrun > 0 || job->nfirstboot > 0);
  if (customize && (cargv = convert_customize_argv (job, nic ? nic_path : NULL, err)) == NULL)
    goto out;
  sanitise_name (job->vm_name, safe, sizeof safe);
  if (asprintf (log_path, "%s/vmigrate-v2v-%s-%ld.log", job->log_dir ? job->log_dir : ".",
                safe, (long) time (NULL)) < 0) {
    *log_path = NULL;
    vmerr_set (err, VMERR_FAILED, "out of memory");
    goto out;
  }
  log_info ("converting the guest: %s -i %s (log: %s)", argv[0],
            job->ndevices == 1 ? "disk" : "libvirtxml", *log_path);
  if (run_logged (argv, *log_path, "conversion", job->virtio_win, err) == -1)
    goto out;
  if (cargv) {
    log_info ("customizing the converted guest: %s (%zu --run, %zu --firstboot%s; log: %s)",
              cargv[0], job->nrun, job->nfirstboot, nic ? ", NIC names kept by MAC" : "",
              *log_path);
    if (run_logged (cargv, *log_path, "guest customization", job->virtio_win, err) == -1)
      goto out;
  }
  rc = 0;
out:
  if (xml_dir[0])
    private_dir_remove (xml_dir);
  if (nic_dir[0])
    private_dir_remove (nic_dir);
  free (nic);
  argv_free (argv);
  argv_free (cargv);
  return rc;
}
