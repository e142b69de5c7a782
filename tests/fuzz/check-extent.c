/* The extent list invariants, checked by the fuzz targets that build lists. */
#include "check-extent.h"

#include <stdlib.h>

void
check_extent_list (const struct extent_list *l, int64_t capacity, int64_t min_gap)
{
  if (l->n > l->cap || (l->n > 0 && l->v == NULL))
    abort ();
  for (size_t i = 0; i < l->n; i++) {
    const struct extent *e = &l->v[i];
    if (e->length <= 0 || e->offset < 0 || e->offset % 512 || e->length % 512)
      abort ();
    if (e->length > capacity || e->offset > capacity - e->length)
      abort ();
    if (i > 0) {
      const struct extent *p = &l->v[i - 1];
      /* p ends inside capacity, so the sum does not overflow. */
      if (e->offset - (p->offset + p->length) <= min_gap)
        abort ();
    }
  }
}
