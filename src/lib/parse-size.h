#ifndef VMIGRATE_LIB_PARSE_SIZE_H
#define VMIGRATE_LIB_PARSE_SIZE_H

#include <stdint.h>

/* The one reading of a byte count for flags (--max-rate 50M,
 * --request-size 2M): digits, then an optional K, M, G or T (any case,
 * powers of 1024), optionally followed by "iB" or "B".  Thread-safe. */

/* The count, or -1 for anything else (empty, junk, negative, overflow). */
int64_t parse_size (const char *s);

#endif
