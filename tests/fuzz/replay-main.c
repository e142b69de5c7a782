/* Replay driver: feed every file of the directories (or the files) named
 * on the command line to the target's LLVMFuzzerTestOneInput once, as
 * libFuzzer would.  Built with the normal compiler into the ASan/UBSan
 * build, so make check replays the corpus without clang. */
#include "fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int
replay_file (const char *path)
{
  FILE *f = fopen (path, "rb");
  char *buf = NULL;
  size_t len = 0;
  struct stat st;

  if (f == NULL || fstat (fileno (f), &st) == -1) {
    fprintf (stderr, "replay: %s: %s\n", path, strerror (errno));
    if (f)
      fclose (f);
    return -1;
  }
  /* An exact-size buffer, so ASan sees a read past the input's end. */
  buf = malloc (st.st_size > 0 ? (size_t) st.st_size : 1);
  if (buf == NULL || (st.st_size > 0 && fread (buf, 1, (size_t) st.st_size, f) !=
                                        (size_t) st.st_size)) {
    fprintf (stderr, "replay: cannot read %s\n", path);
    free (buf);
    fclose (f);
    return -1;
  }
  len = (size_t) st.st_size;
  fclose (f);
  fprintf (stderr, "replay: %s\n", path);
  LLVMFuzzerTestOneInput ((const uint8_t *) buf, len);
  free (buf);
  return 0;
}

static int
replay_dir (const char *dir, int *count)
{
  struct dirent **names;
  int n = scandir (dir, &names, NULL, alphasort), rc = 0;

  if (n < 0) {
    fprintf (stderr, "replay: %s: %s\n", dir, strerror (errno));
    return -1;
  }
  for (int i = 0; i < n; i++) {
    char *path;
    if (names[i]->d_name[0] != '.' &&
        asprintf (&path, "%s/%s", dir, names[i]->d_name) >= 0) {
      struct stat st;
      if (stat (path, &st) == 0 && S_ISREG (st.st_mode)) {
        rc |= replay_file (path);
        (*count)++;
      }
      free (path);
    }
    free (names[i]);
  }
  free (names);
  return rc;
}

int
main (int argc, char **argv)
{
  int count = 0, rc = 0;

  if (argc < 2) {
    fprintf (stderr, "usage: %s DIR|FILE...\n", argv[0]);
    return 2;
  }
  for (int i = 1; i < argc; i++) {
    struct stat st;
    if (stat (argv[i], &st) == 0 && S_ISDIR (st.st_mode))
      rc |= replay_dir (argv[i], &count);
    else {
      rc |= replay_file (argv[i]);
      count++;
    }
  }
  printf ("replayed %d inputs\n", count);
  return rc == 0 ? 0 : 1;
}
