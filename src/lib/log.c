/* Leveled logging to stderr and an optional timestamped log file.  This
 * is the one piece of process-wide state besides the configuration. */
#include "log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static struct {
  int verbosity;    /* -v count */
  FILE *file;       /* --log FILE, or NULL */
  pthread_mutex_t lock; /* keeps lines whole across copy threads */
} logger = { 0, NULL, PTHREAD_MUTEX_INITIALIZER };

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
}

bool
log_enabled (enum log_level level)
{
  return level <= LOG_INFO || logger.verbosity > 0 || logger.file != NULL;
}

void
log_msg (enum log_level level, const char *fmt, ...)
{
  char line[4096];
  va_list ap;
  bool to_stderr = level <= LOG_INFO || logger.verbosity > 0;

  if (!log_enabled (level))
    return;
  va_start (ap, fmt);
  vsnprintf (line, sizeof line, fmt, ap);
  va_end (ap);

  pthread_mutex_lock (&logger.lock);
  if (to_stderr) {
    if (level == LOG_INFO)
      fprintf (stderr, "vmigrate: %s\n", line);
    else
      fprintf (stderr, "vmigrate: %s: %s\n", level_names[level], line);
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
