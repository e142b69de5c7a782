/* Leveled logging to stderr and an optional timestamped log file.  This
 * is the one piece of process-wide state besides the configuration.
 *
 * stderr may also carry a status block (the progress lines on a terminal):
 * lines kept below the log and redrawn in place.  It lives here, under the
 * log's lock, so that a log line and a redraw never cut into each other. */
#include "log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct {
  int verbosity;    /* -v count */
  FILE *file;       /* --log FILE, or NULL */
  pthread_mutex_t lock; /* keeps lines whole across copy threads */
  char *status;         /* the status block drawn below the log on stderr, or NULL */
  unsigned status_lines; /* how many lines of it are on the screen */
} logger = { 0, NULL, PTHREAD_MUTEX_INITIALIZER, NULL, 0 };

static const char *const level_names[] = { "error", "warning", "info", "debug" };

int
log_open (int verbosity, const char *file)
{
  logger.verbosity = verbosity;
  if (file) {
    logger.file = fopen (file, "a");
    if (logger.file == NULL)
      return -1;
    setvbuf (logger.file, NULL, _IOLBF, 0);
  }
  return 0;
}

void
log_close (void)
{
  if (logger.file)
    fclose (logger.file);
  logger.file = NULL;
  free (logger.status);
  logger.status = NULL;
}

bool
log_enabled (enum log_level level)
{
  return level <= LOG_INFO || logger.verbosity > 0 || logger.file != NULL;
}

/* How many lines TEXT has (each ends in '\n'). */
static unsigned
count_lines (const char *text)
{
  unsigned n = 0;

  for (; text && *text; text++)
    n += *text == '\n';
  return n;
}

/* On stderr in one write: the status block on the screen erased, ABOVE
 * (it stays), then BLOCK, which is now the block.  logger.lock held. */
static void
draw_locked (const char *above, const char *block)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *m = open_memstream (&buf, &len);
  FILE *out = m ? m : stderr;  /* out of memory: several writes, still in order */

  if (logger.status_lines > 0)
    fprintf (out, "\r\033[%uA\033[J", logger.status_lines);  /* cursor up, erase below */
  fputs (above ? above : "", out);
  fputs (block ? block : "", out);
  if (m) {
    fclose (m);
    fwrite (buf, 1, len, stderr);
    free (buf);
  }
  fflush (stderr);
  logger.status_lines = count_lines (block);
}

void
log_status (const char *above, const char *block)
{
  char *copy = block && *block ? strdup (block) : NULL;

  pthread_mutex_lock (&logger.lock);
  draw_locked (above, copy);
  free (logger.status);
  logger.status = copy;
  pthread_mutex_unlock (&logger.lock);
}

/* A line to stderr (when TO_STDERR) and to the log file. */
static void
log_line (enum log_level level, bool to_stderr, const char *line)
{
  pthread_mutex_lock (&logger.lock);
  if (to_stderr) {
    char text[4200];
    if (level == LOG_INFO)
      snprintf (text, sizeof text, "vmigrate: %s\n", line);
    else
      snprintf (text, sizeof text, "vmigrate: %s: %s\n", level_names[level], line);
    if (logger.status_lines > 0 || logger.status)
      draw_locked (text, logger.status);  /* above the status block */
    else
      fputs (text, stderr);
  }
  if (logger.file) {
    char ts[32];
    struct timespec now;
    struct tm tm;

    clock_gettime (CLOCK_REALTIME, &now);
    gmtime_r (&now.tv_sec, &tm);
    strftime (ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
    fprintf (logger.file, "%s.%03ldZ %s %s\n", ts, now.tv_nsec / 1000000, level_names[level], line);
  }
  pthread_mutex_unlock (&logger.lock);
}

void
log_msg (enum log_level level, const char *fmt, ...)
{
  char line[4096];
  va_list ap;

  if (!log_enabled (level))
    return;
  va_start (ap, fmt);
  vsnprintf (line, sizeof line, fmt, ap);
  va_end (ap);
  log_line (level, level <= LOG_INFO || logger.verbosity > 0, line);
}
