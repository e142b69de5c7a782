/* Extent lists: validation, merging, totals. */
#include "extent.h"
#include "vector.h"

#include <inttypes.h>
#include <stdlib.h>

int
extent_append (struct extent_list *l, int64_t offset, int64_t length, int64_t capacity,
               struct vmerr *err)
{
  if (length <= 0 || offset < 0 || offset % 512 || length % 512) {
    vmerr_set (err, VMERR_FAILED, "changed area [%" PRId64 ", +%" PRId64 ") is not "
               "512-byte aligned or is empty", offset, length);
    return EXTENT_INVALID;
  }
  /* length > capacity first: capacity - length overflows when a reply's
   * capacity is negative (or absurd) and the length large. */
  if (length > capacity || offset > capacity - length) {
    vmerr_set (err, VMERR_FAILED, "changed area [%" PRId64 ", +%" PRId64 ") lies "
               "outside the %" PRId64 "-byte disk", offset, length, capacity);
    return EXTENT_INVALID;
  }
  if (l->n > 0) {
    struct extent *last = &l->v[l->n - 1];
    if (offset < last->offset + last->length) {
      vmerr_set (err, VMERR_FAILED, "changed areas are not sorted or overlap at "
                 "offset %" PRId64, offset);
      return EXTENT_INVALID;
    }
    if (offset == last->offset + last->length) {
      last->length += length;
      return 0;
    }
  }
  if (vector_push (l, ((struct extent) { offset, length })) == -1) {
    vmerr_set (err, VMERR_FAILED, "out of memory for the extent list");
    return EXTENT_NOMEM;
  }
  return 0;
}

void
extent_coalesce (struct extent_list *l, int64_t max_gap)
{
  size_t out = 0;

  for (size_t i = 0; i < l->n; i++) {
    if (out > 0) {
      struct extent *prev = &l->v[out - 1];
      int64_t gap = l->v[i].offset - (prev->offset + prev->length);
      if (gap <= max_gap) {
        prev->length = l->v[i].offset + l->v[i].length - prev->offset;
        continue;
      }
    }
    l->v[out++] = l->v[i];
  }
  l->n = out;
}

int64_t
extent_total (const struct extent_list *l)
{
  int64_t t = 0;
  for (size_t i = 0; i < l->n; i++)
    t += l->v[i].length;
  return t;
}

void
extent_list_free (struct extent_list *l)
{
  free (l->v);
  l->v = NULL;
  l->n = l->cap = 0;
}
