/* virt-v2v-in-place invocation: -i disk for one disk, -i libvirtxml with
 * every disk for several, firmware carried into the guest description. */
#include "check.h"
#include "argv.h"
#include "convert.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void
test_one_disk (void)
{
  const char *devs[] = { "/dev/disk/by-id/virtio-0123456789abcdef0123" };
  struct convert_job j = { .command = "virt-v2v-in-place -v -x", .vm_name = "web01",
                           .firmware = "bios", .ndevices = 1, .devices = devs };
  struct vmerr err = { 0 };
  char **argv = convert_argv (&j, "/tmp/unused.xml", &err);

  CHECK (argv != NULL);
  if (!argv)
    return;
  CHECK_STR (argv[0], "virt-v2v-in-place");
  CHECK_STR (argv[1], "-v");
  CHECK_STR (argv[2], "-x");
  CHECK_STR (argv[3], "-i");
  CHECK_STR (argv[4], "disk");
  CHECK_STR (argv[5], devs[0]);
  CHECK (argv[6] == NULL);
  argv_free (argv);
}

static void
test_several_disks (void)
{
  const char *devs[] = { "/tmp/a.img", "/tmp/b.img" };
  struct convert_job j = { .command = "virt-v2v-in-place", .vm_name = "db01", .firmware = "efi",
                           .ndevices = 2, .devices = devs };
  struct vmerr err = { 0 };
  char **argv = convert_argv (&j, "/tmp/dom.xml", &err);
  char *xml = convert_libvirt_xml (&j);

  CHECK (argv && strcmp (argv[2], "libvirtxml") == 0 && strcmp (argv[3], "/tmp/dom.xml") == 0);
  CHECK (xml && strstr (xml, "<name>db01</name>"));
  CHECK (xml && strstr (xml, "firmware='efi'"));
  CHECK (xml && strstr (xml, "/tmp/a.img") && strstr (xml, "/tmp/b.img"));
  CHECK (xml && strstr (xml, "dev='sda'") && strstr (xml, "dev='sdb'"));
  argv_free (argv);
  free (xml);
}

/* A VM name with markup characters stays data in the guest description. */
static void
test_vm_name_with_markup_is_escaped (void)
{
  const char *devs[] = { "/tmp/a&b.img", "/tmp/c.img" };
  struct convert_job j = { .command = "virt-v2v-in-place", .vm_name = "R&D <web'1>",
                           .ndevices = 2, .devices = devs };
  char *xml = convert_libvirt_xml (&j);

  CHECK (xml && strstr (xml, "<name>R&amp;D &lt;web&apos;1&gt;</name>"));
  CHECK (xml && strstr (xml, "file='/tmp/a&amp;b.img'"));
  CHECK (xml && !strstr (xml, "R&D"));
  free (xml);
}

/* --v2v-option words go before -i; with customize=converter the --run and
 * --firstboot scripts (and the NIC step) go to the converter too. */
static void
test_options_to_converter (void)
{
  const char *devs[] = { "/tmp/a.img" };
  const char *opts[] = { "--root", "first" };
  const char *run[] = { "/tmp/r.sh" };
  const char *fb[] = { "/tmp/f.sh" };
  struct convert_job j = { .command = "virt-v2v-in-place", .vm_name = "w", .ndevices = 1,
                           .devices = devs, .noptions = 2, .options = opts, .nrun = 1,
                           .run = run, .nfirstboot = 1, .firstboot = fb,
                           .customize = "converter" };
  struct vmerr err = { 0 };
  char **argv = convert_argv_nic (&j, NULL, "/tmp/nic.sh", &err);
  const char *want[] = { "virt-v2v-in-place", "--root", "first", "--run", "/tmp/r.sh", "--run",
                         "/tmp/nic.sh", "--firstboot", "/tmp/f.sh", "-i", "disk", "/tmp/a.img",
                         NULL };

  CHECK (argv != NULL);
  for (size_t i = 0; argv && i < sizeof want / sizeof *want; i++)
    CHECK (want[i] ? argv[i] && strcmp (argv[i], want[i]) == 0 : argv[i] == NULL);
  argv_free (argv);
}

/* customize=virt-customize (Debian 12's virt-v2v 2.2 has no --run): the
 * converter gets none, virt-customize gets every disk and script. */
static void
test_customize_separately (void)
{
  const char *devs[] = { "/tmp/a.img", "/tmp/b.img" };
  const char *run[] = { "/tmp/r.sh" };
  struct convert_job j = { .command = "virt-v2v-in-place", .vm_name = "w", .ndevices = 2,
                           .devices = devs, .nrun = 1, .run = run,
                           .customize = "virt-customize", .customize_command = "virt-customize -v" };
  struct vmerr err = { 0 };
  char **argv = convert_argv_nic (&j, "/tmp/d.xml", "/tmp/nic.sh", &err);
  char **c = convert_customize_argv (&j, "/tmp/nic.sh", &err);
  const char *want[] = { "virt-customize", "-v", "--format", "raw", "-a", "/tmp/a.img", "-a",
                         "/tmp/b.img", "--run", "/tmp/r.sh", "--run", "/tmp/nic.sh", NULL };

  CHECK (argv && strcmp (argv[1], "-i") == 0 && argv[4] == NULL);
  CHECK (c != NULL);
  for (size_t i = 0; c && i < sizeof want / sizeof *want; i++)
    CHECK (want[i] ? c[i] && strcmp (c[i], want[i]) == 0 : c[i] == NULL);
  argv_free (argv);
  argv_free (c);
}

/* auto: the converter gets the scripts only when its --help lists --run
 * and --firstboot as options (a build that has them). */
static void
test_customize_auto (void)
{
  struct convert_job j = { .command = "/bin/sh -c true", .customize = "auto" };
  char path[] = "/tmp/test-convert-argv.XXXXXX";
  int fd = mkstemp (path);
  const char *with = "#!/bin/sh\necho '  --firstboot <script>   Install firstboot script'\n"
                     "echo '  --run <script>         Run script in disk image'\n";
  const char *lookalike = "#!/bin/sh\necho '  --run-command <cmd>  --firstboot-command <cmd>'\n";

  CHECK (!convert_customize_in_converter (&j));
  CHECK (fd >= 0 && write (fd, with, strlen (with)) == (ssize_t) strlen (with));
  CHECK (fchmod (fd, 0700) == 0);
  close (fd);
  j.command = path;
  CHECK (convert_customize_in_converter (&j));
  fd = open (path, O_WRONLY | O_TRUNC);
  CHECK (fd >= 0 && write (fd, lookalike, strlen (lookalike)) == (ssize_t) strlen (lookalike));
  close (fd);
  CHECK (!convert_customize_in_converter (&j));
  j.command = "/nonexistent/virt-v2v-in-place";
  CHECK (!convert_customize_in_converter (&j));
  unlink (path);
}

/* The NIC step pins configured names to the vSphere MACs (lower case),
 * ignores anything that is not a MAC, and is absent without MACs. */
static void
test_nic_script (void)
{
  const char *macs[] = { "00:50:56:AB:cd:01", "bad'; rm -rf /", "00:50:56:00:00:02" };
  struct convert_job j = { .nmacs = 3, .macs = macs };
  char *s = convert_nic_script (&j);

  CHECK (s && strstr (s, "macs='00:50:56:ab:cd:01 00:50:56:00:00:02'"));
  CHECK (s && !strstr (s, "rm -rf"));
  CHECK (s && strstr (s, "MACAddress=") && strstr (s, "/etc/network/interfaces"));
  free (s);
  j.nmacs = 0;
  CHECK (convert_nic_script (&j) == NULL);
}

int
main (void)
{
  test_one_disk ();
  test_several_disks ();
  test_vm_name_with_markup_is_escaped ();
  test_options_to_converter ();
  test_customize_separately ();
  test_customize_auto ();
  test_nic_script ();
  CHECK_DONE ();
}
