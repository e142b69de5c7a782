#ifndef VMIGRATE_LIB_VECTOR_H
#define VMIGRATE_LIB_VECTOR_H

#include <stddef.h>

/* A growable array: any struct with the members `T *v; size_t n, cap;`
 * (declare one with VECTOR (T) or name the struct yourself), grown by
 * doubling.  Not thread-safe: one owner at a time. */

#define VECTOR(type) struct { type *v; size_t n; size_t cap; }

/* Make room for NEED elements of SIZE bytes in the array whose pointer is
 * at PTR_ADDR (a T **) and whose capacity is *CAP.  Returns 0, or -1 when
 * out of memory (the array is unchanged). */
int vector_grow (void *ptr_addr, size_t *cap, size_t need, size_t size);

/* Room for NEED elements in VEC; 0 or -1 (out of memory). */
#define vector_reserve(vec, need) \
  vector_grow (&(vec)->v, &(vec)->cap, (need), sizeof *(vec)->v)

/* Append ITEM to VEC; 0 or -1 (out of memory, VEC unchanged). */
#define vector_push(vec, item) \
  (vector_reserve ((vec), (vec)->n + 1) == -1 ? -1 : ((vec)->v[(vec)->n++] = (item), 0))

#endif
