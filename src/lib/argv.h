#ifndef VMIGRATE_LIB_ARGV_H
#define VMIGRATE_LIB_ARGV_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* Building a NULL-terminated argv of malloc'd words for spawn().  Adding
 * never fails on the spot: an out-of-memory is remembered and reported by
 * argv_finish, so builders read as a plain list of words.  Not
 * thread-safe: one builder per thread. */

struct argv_builder {
  char **v;        /* the words, NULL-terminated while n > 0 (owned) */
  size_t n;        /* words */
  size_t cap;      /* slots allocated */
  bool failed;     /* an allocation failed: argv_finish reports it */
};

/* Append a copy of WORD. */
void argv_add (struct argv_builder *b, const char *word);

/* Append PREFIX immediately followed by VALUE ("file=" "/x"), as one word. */
void argv_add_kv (struct argv_builder *b, const char *prefix, const char *value);

/* Append each blank-separated word of WORDS (a command given with its own
 * options: "virt-v2v-in-place -v -x"). */
void argv_add_words (struct argv_builder *b, const char *words);

/* The finished argv (the builder is emptied; free it with argv_free), or
 * NULL with err set to "out of memory" after a failed add. */
char **argv_finish (struct argv_builder *b, struct vmerr *err);

/* Free an argv made here; NULL is fine. */
void argv_free (char **argv);

/* Free what a builder holds (an abandoned build). */
void argv_discard (struct argv_builder *b);

#endif
