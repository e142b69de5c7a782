/* The progress sink alone: its JSON events on a pipe (and when their
 * reader goes away), and its terminal block on stderr, which log lines
 * from other threads never cut into. */
#include "check.h"
#include "clock.h"
#include "log.h"
#include "progress.h"

#include <fcntl.h>
#include <json-c/json.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

enum { ROWS = 64, COLS = 256 };

/* A terminal's screen after TEXT: '\n', '\r', ESC[nA (cursor up) and ESC[J
 * (erase below) applied, as the progress block uses them.  Returns the
 * rows in use; another escape counts as a failure. */
static int
emulate (const char *t, char screen[ROWS][COLS])
{
  int row = 0, col = 0, used = 0;

  memset (screen, 0, ROWS * COLS);
  for (; *t; t++) {
    if (*t == '\n')
      row++, col = 0;
    else if (*t == '\r')
      col = 0;
    else if (*t == '\033' && t[1] == '[') {
      char *end;
      long n = strtol (t + 2, &end, 10);
      if (*end == 'A')
        row = row - (n > 0 ? (int) n : 1) < 0 ? 0 : row - (n > 0 ? (int) n : 1);
      else if (*end == 'J') {
        screen[row][col] = '\0';
        memset (screen[row + 1], 0, (size_t) (ROWS - row - 1) * COLS);
        used = row;
      }
      else
        CHECK (!"an escape the block does not use");
      t = end;
    }
    else if (row < ROWS && col < COLS - 1) {
      if (screen[row][col] == '\0')
        screen[row][col + 1] = '\0';
      screen[row][col++] = *t;
    }
    if (row >= ROWS)
      row = ROWS - 1;
    if (row > used)
      used = row;
  }
  return used;
}

static char *
slurp (const char *path)
{
  FILE *f = fopen (path, "r");
  char *buf = calloc (1, 1 << 20);

  if (f && buf)
    buf[fread (buf, 1, (1 << 20) - 1, f)] = '\0';
  if (f)
    fclose (f);
  return buf;
}

/* Send stderr to a new file under DIR; returns the saved stderr. */
static int
stderr_to (const char *path)
{
  int saved = dup (2), fd = open (path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

  dup2 (fd, 2);
  close (fd);
  return saved;
}

static void
stderr_back (int saved)
{
  dup2 (saved, 2);
  close (saved);
}

/* Wait (up to 20 s) until the file at PATH holds NEEDLE. */
static bool
wait_for (const char *path, const char *needle)
{
  for (int i = 0; i < 2000; i++) {
    char *text = slurp (path);
    bool found = text && strstr (text, needle);
    free (text);
    if (found)
      return true;
    clock_sleep (0.01);
  }
  return false;
}

static void
test_events_follow_every_copy (const char *dir)
{
  char events[512], err_path[512];
  struct vmerr err = { 0 };

  snprintf (events, sizeof events, "%s/events", dir);
  snprintf (err_path, sizeof err_path, "%s/stderr", dir);
  int fd = open (events, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  int saved = stderr_to (err_path);
  /* log_every_s 0: the interval comes from the environment. */
  setenv ("VMIGRATE_PROGRESS_INTERVAL", "0.1", 1);
  struct progress_opts o = { .tty = false, .events_fd = fd, .log_every_s = 0 };
  struct progress_sink *s = progress_sink_new (&o, &err);
  CHECK (s != NULL);
  struct progress *a = progress_begin (s, "disk \"2000\"", "copy", 8 << 20);
  struct progress *b = progress_begin (s, "disk 2001", "copy", 4 << 20);
  for (int i = 0; i < 4; i++) {
    progress_add (a, 1 << 20);
    progress_add (b, 512 << 10);
  }
  CHECK (wait_for (events, "\"progress\",\"label\":\"disk 2001\",\"phase\":\"copy\","
                   "\"done\":2097152"));
  progress_add (a, 4 << 20);
  CHECK (wait_for (err_path, "disk 2001 copy: 50.0%, 2.0 of 4.0 MiB"));
  progress_end (a, true);
  progress_end (b, false);
  progress_sink_free (s);
  close (fd);
  stderr_back (saved);
  unsetenv ("VMIGRATE_PROGRESS_INTERVAL");

  char *text = slurp (events), *save = NULL;
  int begins = 0, progresses = 0, ends = 0;
  int64_t last_done[2] = { 0, 0 };
  for (char *line = strtok_r (text, "\n", &save); line; line = strtok_r (NULL, "\n", &save)) {
    json_object *o2 = json_tokener_parse (line), *v;
    CHECK (o2 != NULL);
    if (o2 == NULL)
      continue;
    const char *ev = json_object_get_string (json_object_object_get (o2, "event"));
    const char *label = json_object_get_string (json_object_object_get (o2, "label"));
    int which = strcmp (label, "disk 2001") == 0;
    int64_t done = json_object_get_int64 (json_object_object_get (o2, "done"));
    CHECK (which || strcmp (label, "disk \"2000\"") == 0);
    CHECK_STR (json_object_get_string (json_object_object_get (o2, "phase")), "copy");
    CHECK (json_object_get_int64 (json_object_object_get (o2, "total")) == (which ? 4 : 8) << 20);
    CHECK (json_object_get_double (json_object_object_get (o2, "time")) > 1.5e9);
    CHECK (json_object_object_get_ex (o2, "rate", &v) && json_object_is_type (v, json_type_int));
    CHECK (json_object_object_get_ex (o2, "eta_s", &v));
    CHECK (done >= last_done[which]);
    last_done[which] = done;
    if (strcmp (ev, "begin") == 0) {
      begins++;
      CHECK (done == 0 && v == NULL);  /* eta_s: null, nothing is known yet */
    }
    else if (strcmp (ev, "progress") == 0)
      progresses++;
    else if (strcmp (ev, "end") == 0) {
      ends++;
      CHECK (json_object_get_boolean (json_object_object_get (o2, "ok")) == !which);
      CHECK (json_object_object_get (o2, "seconds") != NULL);
      CHECK (done == (which ? 2 << 20 : 8 << 20));
    }
    else
      CHECK (!"an unknown event");
    json_object_put (o2);
  }
  CHECK (begins == 2 && ends == 2 && progresses >= 2);
  free (text);
  /* No terminal: the log lines (begin, every 0.1 s, end) go to stderr. */
  text = slurp (err_path);
  CHECK (strstr (text, "disk 2001 copy: begins, 4.0 MiB") != NULL);
  CHECK (strstr (text, "disk \"2000\" copy: done, 8.0 MiB in ") != NULL);
  CHECK (strstr (text, "disk 2001 copy: stopped at 50.0%, 2.0 of 4.0 MiB") != NULL);
  CHECK (strchr (text, '\033') == NULL);
  free (text);
}

/* The events' reader goes away: one warning, no more events, no SIGPIPE
 * death (vmigrate ignores SIGPIPE, as interrupt_install does), and the
 * copies go on reporting. */
static void
test_gone_reader_stops_events_only (const char *dir)
{
  char err_path[512];
  struct vmerr err = { 0 };
  int fds[2];

  snprintf (err_path, sizeof err_path, "%s/stderr-epipe", dir);
  signal (SIGPIPE, SIG_IGN);
  CHECK (pipe (fds) == 0);
  close (fds[0]);
  int saved = stderr_to (err_path);
  struct progress_opts o = { .tty = false, .events_fd = fds[1], .log_every_s = 60 };
  struct progress_sink *s = progress_sink_new (&o, &err);
  for (int i = 0; i < 3; i++) {
    struct progress *p = progress_begin (s, "disk 2000", "copy", 1024);
    progress_add (p, 1024);
    progress_end (p, true);
  }
  progress_sink_free (s);
  stderr_back (saved);
  close (fds[1]);

  char *text = slurp (err_path), *at = strstr (text, "no more are written");
  CHECK (at != NULL && strstr (at + 1, "no more are written") == NULL);
  CHECK (strstr (text, "(the reader is gone)") != NULL);
  CHECK (strstr (text, "disk 2000 copy: done, 0.0 MiB in ") != NULL);
  free (text);
}

struct chatter {
  int n;          /* log lines to write */
  struct progress *p; /* a copy to move meanwhile */
};

static void *
chatter (void *arg)
{
  struct chatter *c = arg;

  for (int i = 0; i < c->n; i++) {
    log_info ("log line %d", i);
    progress_add (c->p, 1024);
    if (i % 10 == 0)
      clock_sleep (0.01);
  }
  return NULL;
}

static void
test_terminal_block_keeps_log_lines_whole (const char *dir)
{
  char err_path[512], log_path[512];
  char screen[ROWS][COLS];
  struct vmerr err = { 0 };

  snprintf (err_path, sizeof err_path, "%s/tty", dir);
  snprintf (log_path, sizeof log_path, "%s/log", dir);
  CHECK (log_open (0, log_path) == 0);
  int saved = stderr_to (err_path);
  struct progress_opts o = { .tty = true, .events_fd = -1, .log_every_s = 0.05 };
  struct progress_sink *s = progress_sink_new (&o, &err);
  struct progress *a = progress_begin (s, "disk 2000", "copy", 1 << 20);
  struct progress *b = progress_begin (s, "disk 2001", "verify", 1 << 20);
  struct chatter c = { 40, b };
  pthread_t t;
  pthread_create (&t, NULL, chatter, &c);
  for (int i = 0; i < 40; i++) {
    progress_add (a, 1024);
    clock_sleep (0.01);
  }
  pthread_join (t, NULL);
  /* While both are drawn, the block holds their two lines. */
  CHECK (wait_for (err_path, "\r\033[2A\033[J"));
  progress_end (a, true);
  log_info ("after the first");
  progress_end (b, false);
  progress_sink_free (s);
  stderr_back (saved);
  log_close ();

  char *text = slurp (err_path);
  int rows = emulate (text, screen), li = 0;
  /* What stays: every log line, in order, and one final line per copy. */
  CHECK (rows == 40 + 3);
  for (int r = 0; r < rows; r++) {
    char want[64];
    snprintf (want, sizeof want, "vmigrate: log line %d", li);
    if (strcmp (screen[r], want) == 0)
      li++;
    else if (strncmp (screen[r], "disk 2000 copy: done, 0.0 MiB in ", 33) == 0)
      CHECK (strcmp (screen[r + 1], "vmigrate: after the first") == 0);
    else if (strncmp (screen[r], "disk 2001 verify: stopped at 3.9%, 0.0 of 1.0 MiB", 49) == 0)
      CHECK (r == rows - 1);
    else if (strcmp (screen[r], "vmigrate: after the first") != 0) {
      fprintf (stderr, "screen row %d: '%s'\n", r, screen[r]);
      CHECK (!"a row that should not stay");
    }
  }
  CHECK (li == 40);
  free (text);
  /* On a terminal the progress log lines are debug lines: in the log
   * file, and not on stderr (no -v). */
  text = slurp (log_path);
  CHECK (strstr (text, "debug disk 2001 verify: begins, 1.0 MiB") != NULL);
  CHECK (strstr (text, " of 1.0 MiB, ") && strstr (text, " MiB/s, ETA ") != NULL);
  CHECK (strstr (text, "debug disk 2000 copy: done") != NULL);
  free (text);
}

int
main (void)
{
  char dir[] = "/tmp/test-progress.XXXXXX";

  if (mkdtemp (dir) == NULL)
    return 2;
  test_events_follow_every_copy (dir);
  test_terminal_block_keeps_log_lines_whole (dir);
  test_gone_reader_stops_events_only (dir);
  char cmd[600];
  snprintf (cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system (cmd) != 0)
    CHECK (!"cleanup");
  CHECK_DONE ();
}
