/* Running virt-v2v-in-place and keeping its log. */
#include "convert.h"
#include "log.h"
#include "vsphere/xml.h"

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

void
convert_argv_free (char **argv)
{
  for (size_t i = 0; argv && argv[i]; i++)
    free (argv[i]);
  free (argv);
}

/* Append a strdup'd word; false when out of memory or room. */
static bool
push (char **argv, size_t *n, size_t cap, const char *w)
{
  if (*n + 1 >= cap)
    return false;
  return (argv[(*n)++] = strdup (w)) != NULL;
}

/* Split COMMAND on blanks into ARGV (the command may carry its own options:
 * "virt-v2v-in-place -v -x"). */
static bool
push_command (char **argv, size_t *n, size_t cap, const char *command)
{
  char *cmd = strdup (command), *save = NULL;
  bool ok = cmd != NULL;

  for (char *w = ok ? strtok_r (cmd, " \t", &save) : NULL; w && ok;
       w = strtok_r (NULL, " \t", &save))
    ok = push (argv, n, cap, w);
  free (cmd);
  return ok;
}

/* The --run and --firstboot options (ours, the NIC step, then first-boot
 * scripts), for the converter or for virt-customize alike. */
static bool
push_scripts (char **argv, size_t *n, size_t cap, const struct convert_job *job,
              const char *nic_script)
{
  bool ok = true;

  for (size_t i = 0; ok && i < job->nrun; i++)
    ok = push (argv, n, cap, "--run") && push (argv, n, cap, job->run[i]);
  if (ok && nic_script)
    ok = push (argv, n, cap, "--run") && push (argv, n, cap, nic_script);
  for (size_t i = 0; ok && i < job->nfirstboot; i++)
    ok = push (argv, n, cap, "--firstboot") && push (argv, n, cap, job->firstboot[i]);
  return ok;
}

static size_t
argv_cap (const struct convert_job *job)
{
  return 64 + job->noptions + 2 * (job->nrun + job->nfirstboot + job->ndevices) + 4;
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
  char prog[4096], out[65536], junk[4096];
  size_t len = strcspn (command, " \t"), n = 0;
  int fds[2], status;

  if (len == 0 || len >= sizeof prog || pipe2 (fds, O_CLOEXEC) == -1)
    return false;
  memcpy (prog, command, len);
  prog[len] = '\0';
  pid_t pid = fork ();
  if (pid == -1) {
    close (fds[0]);
    close (fds[1]);
    return false;
  }
  if (pid == 0) {
    int null = open ("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
      dup2 (null, 0);
      dup2 (null, 2);
    }
    dup2 (fds[1], 1);
    execlp (prog, prog, "--help", (char *) NULL);
    _exit (127);
  }
  close (fds[1]);
  for (;;) {
    /* Keep reading past a full buffer so the child never blocks on us. */
    bool room = n < sizeof out - 1;
    ssize_t r = read (fds[0], room ? out + n : junk, room ? sizeof out - 1 - n : sizeof junk);
    if (r == -1 && errno == EINTR)
      continue;
    if (r <= 0)
      break;
    if (room)
      n += (size_t) r;
  }
  out[n] = '\0';
  close (fds[0]);
  while (waitpid (pid, &status, 0) == -1 && errno == EINTR)
    ;
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
  size_t cap = argv_cap (job), n = 0;
  char **argv = calloc (cap, sizeof *argv);

  if (argv == NULL || !push_command (argv, &n, cap, job->command))
    goto oom;
  if (n == 0) {
    free (argv);
    vmerr_set (err, VMERR_CONFIG, "the converter command is empty (--v2v-command)");
    return NULL;
  }
  for (size_t i = 0; i < job->noptions; i++)
    if (!push (argv, &n, cap, job->options[i]))
      goto oom;
  if (convert_customize_in_converter (job) && !push_scripts (argv, &n, cap, job, nic_script))
    goto oom;
  const char *mode = job->ndevices == 1 ? "disk" : "libvirtxml";
  const char *input = job->ndevices == 1 ? job->devices[0] : xml_path;
  if (!push (argv, &n, cap, "-i") || !push (argv, &n, cap, mode) || !push (argv, &n, cap, input))
    goto oom;
  return argv;
oom:
  convert_argv_free (argv);
  vmerr_set (err, VMERR_FAILED, "out of memory");
  return NULL;
}

char **
convert_argv (const struct convert_job *job, const char *xml_path, struct vmerr *err)
{
  return convert_argv_nic (job, xml_path, NULL, err);
}

char **
convert_customize_argv (const struct convert_job *job, const char *nic_script, struct vmerr *err)
{
  size_t cap = argv_cap (job), n = 0;
  char **argv = calloc (cap, sizeof *argv);
  const char *cmd = job->customize_command && *job->customize_command
                        ? job->customize_command : "virt-customize";

  if (argv == NULL || !push_command (argv, &n, cap, cmd) || n == 0)
    goto oom;
  if (!push (argv, &n, cap, "--format") || !push (argv, &n, cap, "raw"))
    goto oom;
  for (size_t i = 0; i < job->ndevices; i++)
    if (!push (argv, &n, cap, "-a") || !push (argv, &n, cap, job->devices[i]))
      goto oom;
  if (!push_scripts (argv, &n, cap, job, nic_script))
    goto oom;
  return argv;
oom:
  convert_argv_free (argv);
  vmerr_set (err, VMERR_FAILED, "out of memory");
  return NULL;
}

/* Only MAC-shaped words go into the script (they come from vSphere). */
static bool
mac_ok (const char *m)
{
  if (strlen (m) != 17)
    return false;
  for (int i = 0; i < 17; i++)
    if (i % 3 == 2 ? m[i] != ':' : !strchr ("0123456789abcdefABCDEF", m[i]))
      return false;
  return true;
}

char *
convert_nic_script (const struct convert_job *job)
{
  char *out = NULL;
  size_t len = 0, good = 0;
  FILE *f;

  for (size_t i = 0; i < job->nmacs; i++)
    good += mac_ok (job->macs[i]);
  if (good == 0 || (f = open_memstream (&out, &len)) == NULL)
    return NULL;
  fputs ("#!/bin/sh\n"
         "# vmigrate: keep the guest's interface names (VMware's ens192...) on the\n"
         "# new virtual NICs, by MAC address, so name-based network configs still match.\n"
         "macs='", f);
  for (size_t i = 0, k = 0; i < job->nmacs; i++)
    if (mac_ok (job->macs[i])) {
      for (const char *c = job->macs[i]; *c; c++)
        fputc (*c >= 'A' && *c <= 'F' ? *c - 'A' + 'a' : *c, f);
      fputs (++k < good ? " " : "", f);
    }
  fputs ("'\n"
         "names=$( {\n"
         "  cat /etc/network/interfaces /etc/network/interfaces.d/* 2>/dev/null |\n"
         "    awk '$1 == \"iface\" || $1 == \"auto\" || $1 == \"allow-hotplug\" {for (i = 2; i <= NF; i++) print $i}' |\n"
         "    awk '$1 != \"inet\" && $1 != \"inet6\"'\n"
         "  sed -n 's/^[[:space:]]*Name=//p' /etc/systemd/network/*.network 2>/dev/null | tr ' ' '\\n'\n"
         "  sed -n 's/^[[:space:]]*interface-name=//p' /etc/NetworkManager/system-connections/* 2>/dev/null\n"
         "  sed -n 's/^DEVICE=[\"]*\\([^\"]*\\)[\"]*$/\\1/p' /etc/sysconfig/network-scripts/ifcfg-* 2>/dev/null\n"
         "  sed -n 's/^[[:space:]]*\\([a-z][a-z0-9]*\\):[[:space:]]*$/\\1/p' /etc/netplan/*.yaml 2>/dev/null\n"
         "} | grep -E '^(ens|eno|enp|eth)[0-9a-z]+$' | sort -u -V )\n"
         "[ -n \"$names\" ] || { echo 'vmigrate: no configured interface names: nothing to pin'; exit 0; }\n"
         "mkdir -p /etc/systemd/network /etc/udev/rules.d\n"
         "rules=/etc/udev/rules.d/70-vmigrate-net-names.rules\n"
         "echo '# vmigrate: interface names kept from VMware, by MAC address' > \"$rules\"\n"
         "set -- $macs\n"
         "for name in $names; do\n"
         "  [ $# -gt 0 ] || break\n"
         "  printf '[Match]\\nMACAddress=%s\\n\\n[Link]\\nName=%s\\n' \"$1\" \"$name\" \\\n"
         "    > \"/etc/systemd/network/10-vmigrate-$name.link\"\n"
         "  printf 'SUBSYSTEM==\"net\", ACTION==\"add\", ATTR{address}==\"%s\", NAME=\"%s\"\\n' \"$1\" \"$name\" >> \"$rules\"\n"
         "  echo \"vmigrate: interface $name pinned to MAC $1\"\n"
         "  shift\n"
         "done\n", f);
  fclose (f);
  return out;
}

/* Run ARGV with stdout/stderr appended to LOG_PATH; 0 on exit status 0. */
static int
run_logged (char **argv, const char *log_path, const char *what, struct vmerr *err)
{
  int status;
  pid_t pid = fork ();

  if (pid == -1)
    return vmerr_set (err, VMERR_CONVERT, "fork: %s", strerror (errno));
  if (pid == 0) {
    int fd = open (log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
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
    return 0;
  if (WIFEXITED (status))
    return vmerr_set (err, VMERR_CONVERT, "%s (%s) failed with exit status %d; its log is %s",
                      argv[0], what, WEXITSTATUS (status), log_path);
  return vmerr_set (err, VMERR_CONVERT, "%s (%s) was killed by signal %d; its log is %s", argv[0],
                    what, WTERMSIG (status), log_path);
}

int
convert_run (const struct convert_job *job, char **log_path, struct vmerr *err)
{
  /* Honour TMPDIR (the Ansible module gives each run a private one). */
  const char *tmp = getenv ("TMPDIR");
  char xml_path[4096], nic_path[4096];
  if (tmp == NULL || *tmp == '\0' || strlen (tmp) > 4000)
    tmp = "/tmp";
  snprintf (xml_path, sizeof xml_path, "%s/vmigrate-domain.XXXXXX", tmp);
  snprintf (nic_path, sizeof nic_path, "%s/vmigrate-nic-names.XXXXXX", tmp);
  char **argv = NULL, **cargv = NULL, *nic = NULL;
  int xml_fd = -1, nic_fd = -1, rc = -1;
  /* Decide once who applies the scripts ("auto" runs the converter's
   * --help); both argv builders below then read the settled choice. */
  struct convert_job settled = *job;
  settled.customize = convert_customize_in_converter (job) ? "converter" : "virt-customize";
  job = &settled;

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
  nic = convert_nic_script (job);
  if (nic) {
    nic_fd = mkstemp (nic_path);
    if (nic_fd == -1 || write (nic_fd, nic, strlen (nic)) != (ssize_t) strlen (nic)
        || fchmod (nic_fd, 0755) == -1) {
      vmerr_set (err, VMERR_CONVERT, "cannot write the NIC-name script for the converter");
      goto out;
    }
  }
  argv = convert_argv_nic (job, xml_path, nic ? nic_path : NULL, err);
  if (argv == NULL)
    goto out;
  bool customize = !convert_customize_in_converter (job)
                   && (nic || job->nrun > 0 || job->nfirstboot > 0);
  if (customize && (cargv = convert_customize_argv (job, nic ? nic_path : NULL, err)) == NULL)
    goto out;
  if (asprintf (log_path, "%s/vmigrate-v2v-%s-%ld.log", job->log_dir ? job->log_dir : ".",
                job->vm_name, (long) time (NULL)) < 0) {
    *log_path = NULL;
    vmerr_set (err, VMERR_FAILED, "out of memory");
    goto out;
  }
  log_info ("converting the guest: %s -i %s (log: %s)", argv[0],
            job->ndevices == 1 ? "disk" : "libvirtxml", *log_path);
  if (run_logged (argv, *log_path, "conversion", err) == -1)
    goto out;
  if (cargv) {
    log_info ("customizing the converted guest: %s (%zu --run, %zu --firstboot%s; log: %s)",
              cargv[0], job->nrun, job->nfirstboot, nic ? ", NIC names kept by MAC" : "",
              *log_path);
    if (run_logged (cargv, *log_path, "guest customization", err) == -1)
      goto out;
  }
  rc = 0;
out:
  if (xml_fd >= 0) {
    close (xml_fd);
    unlink (xml_path);
  }
  if (nic_fd >= 0) {
    close (nic_fd);
    unlink (nic_path);
  }
  free (nic);
  convert_argv_free (argv);
  convert_argv_free (cargv);
  return rc;
}
