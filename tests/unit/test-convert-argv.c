/* virt-v2v-in-place invocation: -i disk for one disk, -i libvirtxml with
 * every disk for several, firmware carried into the guest description. */
#include "check.h"
#include "convert.h"

#include <stdlib.h>

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
  convert_argv_free (argv);
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
  convert_argv_free (argv);
  free (xml);
}

int
main (void)
{
  test_one_disk ();
  test_several_disks ();
  CHECK_DONE ();
}
