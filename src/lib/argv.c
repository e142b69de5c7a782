/* The one argv builder (converter, virt-customize, nbdkit). */
#include "argv.h"
#include "vector.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Take ownership of WORD (NULL means an allocation failed). */
static void
push_owned (struct argv_builder *b, char *word)
{
  if (word == NULL || b->failed || vector_reserve (b, b->n + 2) == -1) {
    free (word);
    b->failed = true;
    return;
  }
  b->v[b->n++] = word;
  b->v[b->n] = NULL;
}

void
argv_add (struct argv_builder *b, const char *word)
{
  push_owned (b, strdup (word));
}

void
argv_add_kv (struct argv_builder *b, const char *prefix, const char *value)
{
  char *s;

  if (asprintf (&s, "%s%s", prefix, value ? value : "") < 0)
    s = NULL;
  push_owned (b, s);
}

void
argv_add_words (struct argv_builder *b, const char *words)
{
  char *copy = strdup (words), *save = NULL;

  if (copy == NULL) {
    b->failed = true;
    return;
  }
  for (char *w = strtok_r (copy, " \t", &save); w; w = strtok_r (NULL, " \t", &save))
    argv_add (b, w);
  free (copy);
}

char **
argv_finish (struct argv_builder *b, struct vmerr *err)
{
  char **v;

  /* Room for the terminating NULL even when no word was added. */
  if (b->failed || vector_reserve (b, b->n + 1) == -1) {
    argv_discard (b);
    vmerr_set (err, VMERR_FAILED, "out of memory");
    return NULL;
  }
  b->v[b->n] = NULL;
  v = b->v;
  *b = (struct argv_builder) { 0 };
  return v;
}

void
argv_free (char **argv)
{
  for (size_t i = 0; argv && argv[i]; i++)
    free (argv[i]);
  free (argv);
}

void
argv_discard (struct argv_builder *b)
{
  for (size_t i = 0; i < b->n; i++)
    free (b->v[i]);
  free (b->v);
  *b = (struct argv_builder) { 0 };
}
