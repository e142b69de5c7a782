#ifndef VMIGRATE_TESTS_FUZZ_H
#define VMIGRATE_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* The entry point every fuzz target defines: libFuzzer calls it with each
 * input it makes (make fuzz), replay-main.c with each file of the corpus
 * (make check).  Returns 0; a broken invariant abort()s. */
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* A NUL-terminated copy of the input (malloc'd; aborts when out of
 * memory): for parsers that take C strings. */
char *fuzz_strndup (const uint8_t *data, size_t size);

#endif
