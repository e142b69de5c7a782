/* Fuzz target: the extent planner (lib/extent.c).  The input is a
 * capacity, a coalescing gap and a run of ranges; each range is appended
 * with extent_append and the answer compared with the rules of extent.h,
 * then the list is coalesced.  Both lists are checked (check-extent.c)
 * and their totals compared with what was accepted and merged. */
#include "fuzz.h"
#include "check-extent.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct input {
  const uint8_t *p;  /* next unread byte */
  size_t left;       /* bytes left */
};

static uint64_t
take (struct input *in, size_t n)
{
  uint64_t v = 0;

  for (; n > 0 && in->left > 0; n--, in->left--)
    v = v << 8 | *in->p++;
  return v;
}

/* A number that is either any int64 (kind 0: the edges and overflows) or
 * a multiple of 512 below 2^BITS * 512 (most ranges that can be valid). */
static int64_t
number (struct input *in, unsigned kind, unsigned bits)
{
  uint64_t v = take (in, 8);

  if (kind == 0)
    return (int64_t) v;
  return (int64_t) ((v & ((UINT64_C (1) << bits) - 1)) * 512);
}

/* Whether extent.h's rules accept [OFFSET, +LENGTH) after END on CAPACITY. */
static bool
acceptable (int64_t offset, int64_t length, int64_t capacity, int64_t end)
{
  return length > 0 && offset >= 0 && offset % 512 == 0 && length % 512 == 0 &&
         length <= capacity && offset <= capacity - length && offset >= end;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct input in = { data, size };
  struct extent_list l = { 0 };
  unsigned head = (unsigned) take (&in, 1);
  int64_t capacity = number (&in, head & 3, 40);
  int64_t max_gap = number (&in, head >> 2 & 3, 12);
  int64_t end = 0, accepted = 0, before, merged = 0;

  while (in.left > 0) {
    unsigned kind = (unsigned) take (&in, 1);
    /* Kind 1 and 2 offsets are relative to the end so far: mostly in order. */
    int64_t offset = number (&in, kind & 3, 16), length = number (&in, kind >> 2 & 3, 12);
    struct vmerr err = { 0 };
    if ((kind & 3) == 1 || (kind & 3) == 2)
      offset = offset > INT64_MAX - end ? INT64_MAX : offset + end;
    int rc = extent_append (&l, offset, length, capacity, &err);
    if (rc != 0 && rc != EXTENT_INVALID && rc != EXTENT_NOMEM)
      abort ();
    if ((rc == 0) != acceptable (offset, length, capacity, end) || (rc != 0 && err.code == 0))
      abort ();
    if (rc == 0) {
      accepted += length;
      end = offset + length;
    }
  }
  check_extent_list (&l, capacity, 0);
  if (extent_total (&l) != accepted)
    abort ();

  before = extent_total (&l);
  struct extent_list orig = { 0 };
  if (l.n > 0) {
    orig.v = malloc (l.n * sizeof *l.v);
    if (orig.v == NULL)
      abort ();
    memcpy (orig.v, l.v, l.n * sizeof *l.v);
    orig.n = orig.cap = l.n;
  }
  extent_coalesce (&l, max_gap);
  check_extent_list (&l, capacity, max_gap > 0 ? max_gap : 0);
  /* Every original extent lies inside a coalesced one; the growth is the
   * sum of the gaps that were bridged. */
  for (size_t i = 0, j = 0; i < orig.n; i++) {
    while (j < l.n && l.v[j].offset + l.v[j].length < orig.v[i].offset + orig.v[i].length)
      j++;
    if (j == l.n || l.v[j].offset > orig.v[i].offset)
      abort ();
    if (i > 0 && orig.v[i].offset - (orig.v[i - 1].offset + orig.v[i - 1].length) <= max_gap)
      merged += orig.v[i].offset - (orig.v[i - 1].offset + orig.v[i - 1].length);
  }
  if (extent_total (&l) != before + merged)
    abort ();
  extent_list_free (&orig);
  extent_list_free (&l);
  return 0;
}
