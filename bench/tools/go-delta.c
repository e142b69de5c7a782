/* The delta copy of the Go tools (os-migrate vmware-migration-kit's
 * SyncChangedDiskData, migratekit's IncrementalCopyToTarget), written anew
 * in C for the benchmark: one NBD connection, and for each changed area,
 * in chunks of at most 64 MiB, a fresh buffer, ONE blocking pread, then
 * ONE pwrite to the target; strictly one after another.  The target is
 * opened O_WRONLY|O_DIRECT as they open it (--buffered: without O_DIRECT).
 * They close without fsync; we fsync at the end (unless --no-fsync) so
 * that the bytes are as durable as vmigrate's, whose window ends with a
 * flush.
 *
 *   go-delta [--buffered] [--no-fsync] NBD-URI TARGET AREAS
 *
 * AREAS: a file of "OFFSET LENGTH" lines (bytes), the changed areas as
 * QueryChangedDiskAreas reports them.  Prints the bytes copied. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libnbd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { MAX_CHUNK = 64 * 1024 * 1024 };  /* their maxChunkSize */

static int
die (const char *what)
{
  fprintf (stderr, "go-delta: %s: %s\n", what, nbd_get_error () ? nbd_get_error () : strerror (errno));
  exit (1);
}

/* Copy one chunk the way they do: a new buffer, a blocking read, a write. */
static void
copy_chunk (struct nbd_handle *nbd, int fd, int64_t off, size_t len)
{
  void *buf;

  /* Go's make([]byte, n) of this size is fresh, zeroed, page-aligned memory. */
  if (posix_memalign (&buf, 4096, len) != 0)
    die ("out of memory");
  memset (buf, 0, len);
  if (nbd_pread (nbd, buf, len, off, 0) == -1)
    die ("nbd_pread");
  for (size_t done = 0; done < len;) {
    ssize_t n = pwrite (fd, (char *) buf + done, len - done, off + done);
    if (n <= 0)
      die ("pwrite");
    done += n;
  }
  free (buf);
}

int
main (int argc, char **argv)
{
  int flags = O_WRONLY | O_DIRECT, do_fsync = 1, a = 1;
  int64_t off, len, total = 0;

  for (; a < argc && argv[a][0] == '-'; a++) {
    if (strcmp (argv[a], "--buffered") == 0)
      flags &= ~O_DIRECT;
    else if (strcmp (argv[a], "--no-fsync") == 0)
      do_fsync = 0;
    else
      break;
  }
  if (argc - a != 3) {
    fprintf (stderr, "usage: go-delta [--buffered] [--no-fsync] NBD-URI TARGET AREAS\n");
    return 2;
  }
  FILE *areas = fopen (argv[a + 2], "r");
  if (areas == NULL)
    die (argv[a + 2]);
  struct nbd_handle *nbd = nbd_create ();
  if (nbd == NULL || nbd_connect_uri (nbd, argv[a]) == -1)
    die ("nbd_connect_uri");
  int fd = open (argv[a + 1], flags);
  if (fd == -1)
    die (argv[a + 1]);
  while (fscanf (areas, "%" SCNd64 " %" SCNd64, &off, &len) == 2) {
    for (int64_t o = off; o < off + len;) {
      int64_t n = off + len - o < MAX_CHUNK ? off + len - o : MAX_CHUNK;
      copy_chunk (nbd, fd, o, n);
      o += n;
      total += n;
    }
  }
  if (do_fsync && fsync (fd) == -1)
    die ("fsync");
  if (close (fd) == -1)
    die ("close");
  nbd_shutdown (nbd, 0);
  nbd_close (nbd);
  fclose (areas);
  printf ("%" PRId64 "\n", total);
  return 0;
}
