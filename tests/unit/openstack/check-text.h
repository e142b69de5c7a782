/* Text assertions for the OpenStack client's unit tests, on top of the
 * shared CHECK / CHECK_STR / CHECK_DONE of tests/unit/check.h. */
#ifndef VMIGRATE_TEST_CHECK_TEXT_H
#define VMIGRATE_TEST_CHECK_TEXT_H

#include "../check.h"

/* NEEDLE must occur in HAY (and HAY must not be NULL). */
#define CHECK_CONTAINS(hay, needle) \
  do { \
    const char *h_ = (hay), *n_ = (needle); \
    if (h_ == NULL || strstr (h_, n_) == NULL) { \
      fprintf (stderr, "%s:%d: FAIL: \"%s\" not in %s: %s\n", __FILE__, __LINE__, n_, #hay, \
               h_ ? h_ : "(null)"); \
      check_failures++; \
    } \
  } while (0)

/* NEEDLE must not occur in HAY (a secret in a message, say). */
#define CHECK_LACKS(hay, needle) \
  do { \
    const char *h_ = (hay), *n_ = (needle); \
    if (h_ && strstr (h_, n_) != NULL) { \
      fprintf (stderr, "%s:%d: FAIL: \"%s\" must not be in %s: %s\n", __FILE__, __LINE__, \
               n_, #hay, h_); \
      check_failures++; \
    } \
  } while (0)

#endif
