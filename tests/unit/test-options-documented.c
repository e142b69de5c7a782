/* Every option is documented: each long option of the code's table has an
 * entry (.TP/.TQ) in the man page, and every option the man page gives an
 * entry or --help names is one the code takes. */
#include "check.h"
#include "options.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>

#define MAX_NAMES 256

struct names {
  char *v[MAX_NAMES];  /* long option names, without the dashes (owned) */
  size_t n;
};

static bool
has (const struct names *s, const char *name)
{
  for (size_t i = 0; i < s->n; i++)
    if (strcmp (s->v[i], name) == 0)
      return true;
  return false;
}

/* Add every --name of LINE (groff's \- already turned into -). */
static void
collect (struct names *s, const char *line)
{
  for (const char *p = strstr (line, "--"); p; p = strstr (p, "--")) {
    const char *q = p + 2;
    while (islower ((unsigned char) *q) || isdigit ((unsigned char) *q) || *q == '-')
      q++;
    if (q > p + 2 && s->n < MAX_NAMES) {
      char *name = strndup (p + 2, (size_t) (q - p - 2));
      if (has (s, name))
        free (name);
      else
        s->v[s->n++] = name;
    }
    p = q;
  }
}

/* groff's "\-" is a dash. */
static void
unescape (char *line)
{
  char *w = line;
  for (const char *r = line; *r; r++) {
    if (r[0] == '\\' && r[1] == '-')
      r++;
    *w++ = *r;
  }
  *w = '\0';
}

int
main (void)
{
  struct names man = { 0 }, help = { 0 }, table = { 0 };
  FILE *f = fopen (MAN_PAGE, "r");
  char *line = NULL, *text = NULL;
  size_t cap = 0, len = 0;
  bool after_tp = false;

  CHECK (f != NULL);
  if (f == NULL)
    CHECK_DONE ();
  /* The man page's entries: the header line after each .TP (and .TQ, a
   * second header of the same entry). */
  while (getline (&line, &cap, f) > 0) {
    unescape (line);
    if (after_tp)
      collect (&man, line);
    after_tp = strncmp (line, ".TP", 3) == 0 || strncmp (line, ".TQ", 3) == 0;
  }
  fclose (f);
  free (line);
  f = open_memstream (&text, &len);
  cli_usage (f);
  fclose (f);
  collect (&help, text);
  free (text);
  for (const struct option *o = cli_options; o->name; o++)
    table.v[table.n++] = strdup (o->name);

  CHECK (table.n > 20 && man.n > 20 && help.n > 10);
  for (size_t i = 0; i < table.n; i++)
    if (!has (&man, table.v[i])) {
      fprintf (stderr, "--%s is in the option table but has no entry in %s\n", table.v[i], MAN_PAGE);
      check_failures++;
    }
  for (size_t i = 0; i < man.n; i++)
    if (!has (&table, man.v[i])) {
      fprintf (stderr, "the man page documents --%s, which vmigrate does not take\n", man.v[i]);
      check_failures++;
    }
  for (size_t i = 0; i < help.n; i++)
    if (!has (&table, help.v[i]) || !has (&man, help.v[i])) {
      fprintf (stderr, "--help names --%s, which is %s\n", help.v[i],
               has (&table, help.v[i]) ? "not in the man page" : "not an option");
      check_failures++;
    }
  for (size_t i = 0; i < man.n; i++)
    free (man.v[i]);
  for (size_t i = 0; i < help.n; i++)
    free (help.v[i]);
  for (size_t i = 0; i < table.n; i++)
    free (table.v[i]);
  CHECK_DONE ();
}
