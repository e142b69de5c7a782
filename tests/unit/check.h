/* Minimal assertions for C unit tests: count failures, report them, and
 * exit non-zero at the end (CHECK_DONE). */
#ifndef VMIGRATE_TEST_CHECK_H
#define VMIGRATE_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failures;

#define CHECK(cond) \
  do { \
    if (!(cond)) { \
      fprintf (stderr, "%s:%d: FAIL: %s\n", __FILE__, __LINE__, #cond); \
      check_failures++; \
    } \
  } while (0)

#define CHECK_STR(a, b) \
  do { \
    const char *a_ = (a), *b_ = (b); \
    if (a_ == NULL || b_ == NULL || strcmp (a_, b_) != 0) { \
      fprintf (stderr, "%s:%d: FAIL: %s == \"%s\", want \"%s\"\n", __FILE__, __LINE__, #a, \
               a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
      check_failures++; \
    } \
  } while (0)

#define CHECK_DONE() \
  do { \
    if (check_failures) \
      fprintf (stderr, "%d check(s) failed\n", check_failures); \
    return check_failures != 0; \
  } while (0)

#endif
