#ifndef VMIGRATE_LIB_EXTENT_H
#define VMIGRATE_LIB_EXTENT_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* A list of byte ranges of a disk to copy, sorted and non-overlapping:
 * made by the change-tracking query (vsphere/cbt.c) or the window plan,
 * consumed by the copy engine.  Not thread-safe while it is being built;
 * read-only afterwards. */

struct extent {
  int64_t offset;  /* first byte */
  int64_t length;  /* bytes, > 0 */
};

struct extent_list {
  struct extent *v;  /* the extents (owned) */
  size_t n;          /* used */
  size_t cap;        /* allocated */
};

/* What extent_append returns besides 0. */
enum { EXTENT_INVALID = -1, EXTENT_NOMEM = -2 };

/* Append [offset, offset+length) after checking it: 512-byte aligned,
 * inside CAPACITY, after the previous extent.  Touching neighbours merge.
 * Returns 0, EXTENT_INVALID for a range that breaks a rule, EXTENT_NOMEM;
 * err says what, with the neutral code VMERR_FAILED: the caller knows
 * whose fault a bad range is (cbt.c: vSphere's). */
int extent_append (struct extent_list *l, int64_t offset, int64_t length, int64_t capacity,
                   struct vmerr *err);

/* Merge neighbours separated by at most MAX_GAP bytes (reading a small gap
 * costs less than another request). */
void extent_coalesce (struct extent_list *l, int64_t max_gap);

/* Total bytes covered. */
int64_t extent_total (const struct extent_list *l);

void extent_list_free (struct extent_list *l);

#endif
