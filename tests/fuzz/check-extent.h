#ifndef VMIGRATE_TESTS_CHECK_EXTENT_H
#define VMIGRATE_TESTS_CHECK_EXTENT_H

#include <stdint.h>

#include "extent.h"

/* abort() unless L keeps the promises of extent.h: every extent 512-byte
 * aligned, non-empty, inside CAPACITY, sorted, and apart from the next by
 * more than MIN_GAP bytes (0 after extent_append: touching ones merge;
 * MAX_GAP after extent_coalesce). */
void check_extent_list (const struct extent_list *l, int64_t capacity, int64_t min_gap);

#endif
