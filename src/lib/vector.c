/* Growing arrays: the one realloc loop. */
#include "vector.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int
vector_grow (void *ptr_addr, size_t *cap, size_t need, size_t size)
{
  void *old, *grown;
  size_t want;

  if (need <= *cap)
    return 0;
  want = *cap ? *cap : 8;
  while (want < need)
    want *= 2;
  if (want > SIZE_MAX / size)
    return -1;
  /* The pointer's bytes are moved with memcpy: PTR_ADDR points at a T *,
   * not at a void *. */
  memcpy (&old, ptr_addr, sizeof old);
  grown = realloc (old, want * size);
  if (grown == NULL)
    return -1;
  memcpy (ptr_addr, &grown, sizeof grown);
  *cap = want;
  return 0;
}
