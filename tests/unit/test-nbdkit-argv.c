/* The nbdkit command lines vmigrate builds: VDDK cannot run here, so the
 * exact production command is checked, including that no password is on it. */
#include "check.h"
#include "argv.h"
#include "source.h"

static int
has (char **argv, const char *want)
{
  for (size_t i = 0; argv[i]; i++)
    if (strcmp (argv[i], want) == 0)
      return 1;
  return 0;
}

static void
test_vddk_command (void)
{
  struct source_spec s = {
    .kind = SOURCE_VDDK, .vddk_libdir = "/opt/vmware-vix-disklib-distrib",
    .server = "vcenter.example.com", .user = "administrator@vsphere.local",
    .password_file = "/run/vmigrate/pw", .thumbprint = "AA:BB:CC",
    .vm_moref = "vm-42", .snapshot_moref = "snapshot-7",
    .file = "[datastore1] web01/web01.vmdk", .compression = "zlib",
  };
  struct vmerr err = { 0 };
  char **argv = source_argv (&s, "/tmp/x/nbd.sock", &err);

  CHECK (argv != NULL);
  if (!argv)
    return;
  CHECK_STR (argv[0], "nbdkit");
  CHECK (has (argv, "--readonly") && has (argv, "--exit-with-parent"));
  CHECK (has (argv, "--unix") && has (argv, "/tmp/x/nbd.sock"));
  CHECK (has (argv, "vddk"));
  CHECK (has (argv, "libdir=/opt/vmware-vix-disklib-distrib"));
  CHECK (has (argv, "server=vcenter.example.com"));
  CHECK (has (argv, "user=administrator@vsphere.local"));
  CHECK (has (argv, "password=+/run/vmigrate/pw"));   /* read from the file by nbdkit */
  CHECK (has (argv, "thumbprint=AA:BB:CC"));
  CHECK (has (argv, "vm=moref=vm-42"));
  CHECK (has (argv, "snapshot=snapshot-7"));
  CHECK (has (argv, "transports=file:nbdssl:nbd"));    /* never san */
  CHECK (has (argv, "compression=zlib"));
  CHECK (has (argv, "file=[datastore1] web01/web01.vmdk"));
  CHECK (has (argv, "--filter=blocksize") && has (argv, "maxdata=2M"));
  CHECK (has (argv, "--filter=retry"));
  for (size_t i = 0; argv[i]; i++)
    CHECK (strncmp (argv[i], "password=", 9) != 0 || argv[i][9] == '+');
  argv_free (argv);
}

static void
test_vddk_needs_thumbprint (void)
{
  struct source_spec s = { .kind = SOURCE_VDDK, .vddk_libdir = "/opt/v", .server = "vc",
                           .password_file = "/pw", .vm_moref = "vm-1", .snapshot_moref = "s",
                           .file = "[d] f.vmdk" };
  struct vmerr err = { 0 };

  CHECK (source_argv (&s, "/sock", &err) == NULL);
  CHECK (strstr (err.msg, "--vddk-thumbprint") != NULL);
}

static void
test_file_command (void)
{
  struct source_spec s = { .kind = SOURCE_FILE, .path = "/data/ds/web01/web01.vmdk" };
  struct vmerr err = { 0 };
  char **argv = source_argv (&s, "/sock", &err);

  CHECK (argv && has (argv, "file") && has (argv, "file=/data/ds/web01/web01.vmdk"));
  CHECK (argv && has (argv, "--readonly") && has (argv, "--exit-with-parent"));
  argv_free (argv);
}

int
main (void)
{
  test_vddk_command ();
  test_vddk_needs_thumbprint ();
  test_file_command ();
  CHECK_DONE ();
}
