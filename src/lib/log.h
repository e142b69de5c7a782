#ifndef VMIGRATE_LIB_LOG_H
#define VMIGRATE_LIB_LOG_H

#include <stdbool.h>

/* Thread-safe: lines stay whole under a mutex; log_open and log_close run
 * once, before and after any thread. */

/* Logging: messages go to stderr (by level) and, with --log FILE, all of
 * them with timestamps to that file.  Nothing secret is ever passed here. */

enum log_level { LOG_ERROR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

/* verbosity: how many -v were given (0: info and above on stderr).
 * Returns -1 with errno set if the log file cannot be opened. */
int log_open (int verbosity, const char *file);
void log_close (void);

void log_msg (enum log_level level, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));

/* The status block of stderr, for a terminal: lines kept below the log
 * lines and redrawn in place (cursor up, erase below); log lines written
 * meanwhile go above it.  ABOVE (NULL: none) is printed once above the new
 * block and stays there; BLOCK (NULL or "": none) replaces the block.
 * Every line ends in '\n' and must fit the terminal's width, or the
 * redraw miscounts the lines to erase.  Call it with BLOCK NULL before
 * anything else writes to stderr. */
void log_status (const char *above, const char *block);

/* True when messages of this level are shown somewhere (avoid costly
 * formatting of debug output nobody reads). */
bool log_enabled (enum log_level level);

#define log_error(...) log_msg (LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg (LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg (LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg (LOG_DEBUG, __VA_ARGS__)

#endif
