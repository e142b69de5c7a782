/* Extent lists: validation of what vSphere returns, merging, and zeroing
 * the complement of a first copy onto a target that is not zero. */
#include "check.h"
#include "engine.h"
#include "target.h"
#include "extent.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

static void
test_append_validates (void)
{
  struct extent_list l = { 0 };
  struct vmerr err = { 0 };

  CHECK (extent_append (&l, 0, 512, 4096, &err) == 0);
  CHECK (extent_append (&l, 512, 512, 4096, &err) == 0);   /* touching: merged */
  CHECK (l.n == 1 && l.v[0].length == 1024);
  CHECK (extent_append (&l, 2048, 1024, 4096, &err) == 0);
  CHECK (l.n == 2);
  CHECK (extent_append (&l, 1024, 512, 4096, &err) == -1); /* goes backwards */
  CHECK (extent_append (&l, 3072, 2048, 4096, &err) == -1); /* past capacity */
  CHECK (strstr (err.msg, "outside") != NULL);
  CHECK (extent_append (&l, 3100, 512, 4096, &err) == -1);  /* unaligned */
  CHECK (extent_append (&l, 3584, 0, 4096, &err) == -1);    /* empty */
  CHECK (extent_total (&l) == 2048);
  extent_list_free (&l);
}

static void
test_coalesce_small_gaps_only (void)
{
  struct extent_list l = { 0 };
  struct vmerr err = { 0 };

  extent_append (&l, 0, 4096, 1 << 30, &err);
  extent_append (&l, 8192, 4096, 1 << 30, &err);         /* gap 4 KiB */
  extent_append (&l, 1 << 20, 4096, 1 << 30, &err);      /* gap ~1 MiB */
  extent_coalesce (&l, 65536);
  CHECK (l.n == 2);
  CHECK (l.v[0].offset == 0 && l.v[0].length == 12288);
  CHECK (l.v[1].offset == 1 << 20);
  extent_list_free (&l);
}

static void
test_zero_complement (void)
{
  char path[] = "/tmp/vmigrate-test-target.XXXXXX";
  int fd = mkstemp (path);
  struct extent_list l = { 0 };
  struct copy_stats st = { 0 };
  struct vmerr err = { 0 };
  char buf[8192];

  memset (buf, 0xaa, sizeof buf);
  CHECK (fd >= 0 && write (fd, buf, sizeof buf) == (ssize_t) sizeof buf);
  close (fd);
  struct target *t = target_open (path, &err);
  CHECK (t != NULL);
  if (t == NULL)
    return;
  extent_append (&l, 1024, 1024, 8192, &err);
  CHECK (copy_zero_complement (t, &l, 8192, NULL, &st, &err) == 0);
  CHECK (st.bytes_zeroed == 8192 - 1024);
  CHECK (target_flush (t, &err) == 0);
  fd = open (path, O_RDONLY);
  CHECK (fd >= 0 && pread (fd, buf, sizeof buf, 0) == (ssize_t) sizeof buf);
  close (fd);
  CHECK (buf[0] == 0 && buf[1023] == 0);
  CHECK ((unsigned char) buf[1024] == 0xaa && (unsigned char) buf[2047] == 0xaa);
  CHECK (buf[2048] == 0 && buf[8191] == 0);
  target_close (t);
  extent_list_free (&l);
  unlink (path);
}

int
main (void)
{
  test_append_validates ();
  test_coalesce_small_gaps_only ();
  test_zero_complement ();
  CHECK_DONE ();
}
