/* The benchmark's data: sparse disk images with random (incompressible)
 * data in scattered runs, scattered guest-like changes, and a byte-for-byte
 * comparison that walks only the data regions of sparse files (holes read
 * as zeroes, so it says exactly what cmp says, without reading a 1 TiB hole).
 *
 *   benchdata image FILE SIZE ALLOC SEED    FILE: SIZE bytes, ALLOC of them
 *                                           data, in runs of 1-16 64 KiB blocks
 *   benchdata scribble FILE COUNT BYTES SEED  COUNT changes of whole 64 KiB
 *                                           blocks, about BYTES in all
 *   benchdata cmp A B                       exit 0 if equal (the shorter one
 *                                           read as zero-extended), else 1
 *   benchdata warm FILE [AREAS]             read FILE's data (or only the
 *                                           "OFFSET LENGTH" lines of AREAS) into
 *                                           the page cache
 * SIZE, ALLOC and BYTES take K, M, G, T suffixes. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { BLOCK = 64 * 1024, IO = 4 * 1024 * 1024 };

static uint64_t rng_state;

static void
fail (const char *what)
{
  fprintf (stderr, "benchdata: %s: %s\n", what, strerror (errno));
  exit (2);
}

/* xorshift64*: fast, and its output does not compress. */
static uint64_t
rnd (void)
{
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 2685821657736338717ULL;
}

static int64_t
parse_size (const char *s)
{
  char *end;
  int64_t v = strtoll (s, &end, 10);
  const char *units = "KMGT";
  const char *u = *end ? strchr (units, *end) : NULL;

  if (u)
    for (int i = 0; i <= u - units; i++)
      v *= 1024;
  return v;
}

/* Write LEN random bytes at OFF. */
static void
write_random (int fd, int64_t off, int64_t len)
{
  static uint64_t buf[IO / 8];

  while (len > 0) {
    size_t n = len < IO ? len : IO;
    for (size_t i = 0; i < (n + 7) / 8; i++)
      buf[i] = rnd ();
    if (pwrite (fd, buf, n, off) != (ssize_t) n)
      fail ("pwrite");
    off += n;
    len -= n;
  }
}

static int
cmd_image (const char *path, int64_t size, int64_t alloc)
{
  int64_t nblocks = size / BLOCK, want = alloc / BLOCK, have = 0;
  uint8_t *bm = calloc ((nblocks + 7) / 8, 1);
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

  if (bm == NULL || fd == -1 || ftruncate (fd, size) == -1)
    fail (path);
  if (want > nblocks)
    want = nblocks;
  while (have < want) {
    int64_t start = rnd () % nblocks, n = 1 + rnd () % 16;
    for (int64_t b = start; b < start + n && b < nblocks && have < want; b++)
      if (!(bm[b / 8] & (1 << (b % 8)))) {
        bm[b / 8] |= 1 << (b % 8);
        have++;
      }
  }
  /* Runs in disk order: a sequential write, as a guest's install would be. */
  for (int64_t b = 0; b < nblocks;) {
    if (!(bm[b / 8] & (1 << (b % 8)))) {
      b++;
      continue;
    }
    int64_t e = b;
    while (e < nblocks && (bm[e / 8] & (1 << (e % 8))))
      e++;
    write_random (fd, b * BLOCK, (e - b) * BLOCK);
    b = e;
  }
  if (fsync (fd) == -1 || close (fd) == -1)
    fail (path);
  free (bm);
  return 0;
}

static int
cmd_scribble (const char *path, int64_t count, int64_t bytes)
{
  int fd = open (path, O_WRONLY);
  struct stat st;

  if (fd == -1 || fstat (fd, &st) == -1)
    fail (path);
  int64_t nblocks = st.st_size / BLOCK, avg = bytes / count / BLOCK;
  if (avg < 1)
    avg = 1;
  for (int64_t i = 0; i < count; i++) {
    int64_t n = 1 + rnd () % (2 * avg - 1);  /* 1 .. 2*avg-1 blocks: avg on average */
    if (n > nblocks)
      n = nblocks;
    int64_t start = rnd () % (nblocks - n + 1);
    write_random (fd, start * BLOCK, n * BLOCK);
  }
  if (fsync (fd) == -1 || close (fd) == -1)
    fail (path);
  return 0;
}

/* Next data offset at or after OFF in FD, or INT64_MAX if none. */
static int64_t
next_data (int fd, int64_t off, int64_t size)
{
  off_t d = off < size ? lseek (fd, off, SEEK_DATA) : -1;
  return d == -1 || d >= size ? INT64_MAX : d;
}

static int64_t
next_hole (int fd, int64_t off, int64_t size)
{
  off_t h = off < size ? lseek (fd, off, SEEK_HOLE) : -1;
  return h == -1 || h > size ? size : h;
}

/* Read LEN bytes at OFF; past the end of file, zeroes. */
static void
read_z (int fd, char *buf, size_t len, int64_t off)
{
  memset (buf, 0, len);
  for (size_t done = 0; done < len;) {
    ssize_t n = pread (fd, buf + done, len - done, off + done);
    if (n < 0)
      fail ("pread");
    if (n == 0)
      break;
    done += n;
  }
}

static int
cmd_cmp (const char *pa, const char *pb)
{
  int fa = open (pa, O_RDONLY), fb = open (pb, O_RDONLY);
  struct stat sa, sb;
  static char ba[IO], bb[IO];

  if (fa == -1 || fb == -1 || fstat (fa, &sa) == -1 || fstat (fb, &sb) == -1)
    fail (fa == -1 ? pa : pb);
  int64_t end = sa.st_size > sb.st_size ? sa.st_size : sb.st_size;
  for (int64_t off = 0; off < end;) {
    /* Where either file has data next: both hold zeroes until then. */
    int64_t da = next_data (fa, off, sa.st_size), db = next_data (fb, off, sb.st_size);
    int64_t d = da < db ? da : db;
    if (d >= end)  /* INT64_MAX: no data left in either */
      break;
    /* Up to the end of the data run(s) that start at D. */
    int64_t ha = da == d ? next_hole (fa, d, sa.st_size) : 0;
    int64_t hb = db == d ? next_hole (fb, d, sb.st_size) : 0;
    int64_t h = ha > hb ? ha : hb;
    if (h <= d)
      h = d + 1;
    for (int64_t o = d; o < h;) {
      size_t n = h - o < IO ? h - o : IO;
      read_z (fa, ba, n, o);
      read_z (fb, bb, n, o);
      if (memcmp (ba, bb, n) != 0) {
        for (size_t i = 0; i < n; i++)
          if (ba[i] != bb[i]) {
            printf ("%s %s differ: byte %" PRId64 "\n", pa, pb, o + (int64_t) i);
            break;
          }
        return 1;
      }
      o += n;
    }
    off = h;
  }
  return 0;
}

static int
cmd_warm (const char *path, const char *areas)
{
  int fd = open (path, O_RDONLY);
  struct stat st;
  FILE *f = areas ? fopen (areas, "r") : NULL;
  static char buf[IO];
  int64_t off = 0, len, size;

  if (fd == -1 || fstat (fd, &st) == -1 || (areas && f == NULL))
    fail (fd == -1 ? path : areas);
  size = st.st_size;
  for (;;) {
    if (f) {
      if (fscanf (f, "%" SCNd64 " %" SCNd64, &off, &len) != 2)
        break;
    }
    else {
      if ((off = next_data (fd, off, size)) >= size)
        break;
      len = next_hole (fd, off, size) - off;
    }
    for (int64_t o = off; o < off + len; o += IO)
      read_z (fd, buf, off + len - o < IO ? off + len - o : IO, o);
    off += len;
  }
  if (f)
    fclose (f);
  close (fd);
  return 0;
}

int
main (int argc, char **argv)
{
  if (argc == 6 && strcmp (argv[1], "image") == 0) {
    rng_state = strtoull (argv[5], NULL, 10) * 0x9E3779B97F4A7C15ULL + 1;
    return cmd_image (argv[2], parse_size (argv[3]), parse_size (argv[4]));
  }
  if (argc == 6 && strcmp (argv[1], "scribble") == 0) {
    rng_state = strtoull (argv[5], NULL, 10) * 0x9E3779B97F4A7C15ULL + 1;
    return cmd_scribble (argv[2], parse_size (argv[3]), parse_size (argv[4]));
  }
  if (argc == 4 && strcmp (argv[1], "cmp") == 0)
    return cmd_cmp (argv[2], argv[3]);
  if ((argc == 3 || argc == 4) && strcmp (argv[1], "warm") == 0)
    return cmd_warm (argv[2], argc == 4 ? argv[3] : NULL);
  fprintf (stderr, "usage: benchdata image FILE SIZE ALLOC SEED | scribble FILE COUNT BYTES SEED"
                   " | cmp A B | warm FILE [AREAS]\n");
  return 2;
}
