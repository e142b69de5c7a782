#ifndef VMIGRATE_EXTENT_H
#define VMIGRATE_EXTENT_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* A list of byte ranges of a disk to copy, sorted and non-overlapping. */

struct extent {
  int64_t offset;  /* first byte */
  int64_t length;  /* bytes, > 0 */
};

struct extent_list {
  struct extent *v;  /* the extents (owned) */
  size_t n;          /* used */
  size_t cap;        /* allocated */
};

/* Append [offset, offset+length) after checking it: 512-byte aligned,
 * inside CAPACITY, after the previous extent.  Touching neighbours merge. */
int extent_append (struct extent_list *l, int64_t offset, int64_t length, int64_t capacity,
                   struct vmerr *err);

/* Merge neighbours separated by at most MAX_GAP bytes (reading a small gap
 * costs less than another request). */
void extent_coalesce (struct extent_list *l, int64_t max_gap);

/* Total bytes covered. */
int64_t extent_total (const struct extent_list *l);

void extent_list_free (struct extent_list *l);

#endif
