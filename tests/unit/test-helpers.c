/* The shared helpers of src/lib: the growable vector, the argv builder,
 * the boolean parser, spawn and wait_until. */
#include "check.h"
#include "argv.h"
#include "clock.h"
#include "parse-bool.h"
#include "parse-size.h"
#include "spawn.h"
#include "vector.h"
#include "wait-until.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void
test_vector_grows_and_keeps_items (void)
{
  VECTOR (int) v = { 0 };

  for (int i = 0; i < 1000; i++)
    CHECK (vector_push (&v, i) == 0);
  CHECK (v.n == 1000 && v.cap >= 1000);
  CHECK (v.v[0] == 0 && v.v[999] == 999);
  CHECK (vector_reserve (&v, 10) == 0 && v.n == 1000);
  free (v.v);
}

static void
test_argv_builder_words_and_pairs (void)
{
  struct argv_builder b = { 0 };
  struct vmerr err = { 0 };

  argv_add_words (&b, "  prog -v\t-x ");
  argv_add_kv (&b, "file=", "/a b");
  argv_add_kv (&b, "bare", NULL);
  char **v = argv_finish (&b, &err);
  CHECK (v != NULL);
  if (v) {
    CHECK_STR (v[0], "prog");
    CHECK_STR (v[1], "-v");
    CHECK_STR (v[2], "-x");
    CHECK_STR (v[3], "file=/a b");
    CHECK_STR (v[4], "bare");
    CHECK (v[5] == NULL);
  }
  argv_free (v);
  /* An empty build is a valid, empty argv. */
  v = argv_finish (&b, &err);
  CHECK (v != NULL && v[0] == NULL);
  argv_free (v);
}

static void
test_parse_bool_words (void)
{
  CHECK (parse_bool ("true") == 1 && parse_bool ("YES") == 1 && parse_bool ("On") == 1);
  CHECK (parse_bool ("1") == 1);
  CHECK (parse_bool ("false") == 0 && parse_bool ("No") == 0 && parse_bool ("OFF") == 0);
  CHECK (parse_bool ("0") == 0);
  CHECK (parse_bool ("maybe") == -1 && parse_bool ("") == -1 && parse_bool (NULL) == -1);
}

static void
test_parse_size_suffixes (void)
{
  CHECK (parse_size ("0") == 0 && parse_size ("512") == 512 && parse_size ("512B") == 512);
  CHECK (parse_size ("4k") == 4096 && parse_size ("2M") == 2 << 20);
  CHECK (parse_size ("2MiB") == 2 << 20 && parse_size ("3GB") == 3LL << 30);
  CHECK (parse_size ("1T") == 1LL << 40);
  CHECK (parse_size ("") == -1 && parse_size ("-1") == -1 && parse_size ("1X") == -1);
  CHECK (parse_size ("M") == -1 && parse_size ("1M ") == -1 && parse_size (NULL) == -1);
  CHECK (parse_size ("99999999999T") == -1 && parse_size ("1.5M") == -1);
}

static void
test_spawn_logs_and_reports_status (void)
{
  char log[] = "/tmp/vmigrate-test-spawn.XXXXXX";
  int fd = mkstemp (log), status = -1;
  struct vmerr err = { 0 };
  static const char *const env[] = { "VMIGRATE_TEST_SPAWN=set-by-default", NULL };
  struct spawn_opts o = { .log_path = log, .env_defaults = env };
  char buf[256] = "";

  close (fd);
  CHECK (spawn_run ((char *[]) { (char *) "sh", (char *) "-c",
                                 (char *) "echo out $VMIGRATE_TEST_SPAWN; echo err >&2; exit 3",
                                 NULL }, &o, &status, &err) == 0);
  CHECK (WIFEXITED (status) && WEXITSTATUS (status) == 3);
  fd = open (log, 0);
  CHECK (fd >= 0 && read (fd, buf, sizeof buf - 1) > 0);
  close (fd);
  CHECK (strstr (buf, "out set-by-default") && strstr (buf, "err"));
  /* A program that is not there: exit 127 and the reason in the log. */
  o.missing_hint = " (install it)";
  o.log_truncate = true;
  CHECK (spawn_run ((char *[]) { (char *) "/nonexistent/prog", NULL }, &o, &status, &err) == 0);
  CHECK (WIFEXITED (status) && WEXITSTATUS (status) == 127);
  memset (buf, 0, sizeof buf);
  fd = open (log, 0);
  CHECK (fd >= 0 && read (fd, buf, sizeof buf - 1) > 0);
  close (fd);
  CHECK (strstr (buf, "cannot run /nonexistent/prog") && strstr (buf, "(install it)"));
  CHECK (!strstr (buf, "out set-by-default"));
  unlink (log);
  /* Capture keeps stdout only, cut to the buffer. */
  char small[6];
  CHECK (spawn_capture ((char *[]) { (char *) "sh", (char *) "-c",
                                     (char *) "echo hello-world; echo noise >&2", NULL },
                        small, sizeof small) == 0);
  CHECK_STR (small, "hello");
}

struct countdown { int left; };

static int
count_down (void *opaque, struct vmerr *err)
{
  struct countdown *c = opaque;
  if (c->left < 0)
    return vmerr_set (err, VMERR_FAILED, "probe failed");
  return --c->left <= 0;
}

static void
test_wait_until_done_failed_timeout (void)
{
  struct vmerr err = { 0 };
  struct wait_spec quick = { .timeout_s = 5, .first_delay_s = 0.001, .max_delay_s = 0.01 };
  struct wait_spec never = { .timeout_s = 0.05, .first_delay_s = 0.01, .max_delay_s = 0.01 };
  struct countdown c = { 3 };

  CHECK (wait_until (&quick, count_down, &c, &err) == WAIT_DONE && c.left == 0);
  c.left = -1;
  CHECK (wait_until (&quick, count_down, &c, &err) == WAIT_FAILED);
  CHECK_STR (err.msg, "probe failed");
  c.left = 1000000;
  double t0 = clock_now ();
  CHECK (wait_until (&never, count_down, &c, &err) == WAIT_TIMEOUT);
  CHECK (clock_now () - t0 >= 0.05);
}

int
main (void)
{
  test_vector_grows_and_keeps_items ();
  test_argv_builder_words_and_pairs ();
  test_parse_bool_words ();
  test_parse_size_suffixes ();
  test_spawn_logs_and_reports_status ();
  test_wait_until_done_failed_timeout ();
  CHECK_DONE ();
}
