/* Byte counts with binary suffixes. */
#include "parse-size.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int64_t
parse_size (const char *s)
{
  char *end;
  int shift = 0;

  if (s == NULL || !isdigit ((unsigned char) *s))
    return -1;
  errno = 0;
  unsigned long long v = strtoull (s, &end, 10);
  if (errno)
    return -1;
  switch (toupper ((unsigned char) *end)) {
  case 'K': shift = 10; end++; break;
  case 'M': shift = 20; end++; break;
  case 'G': shift = 30; end++; break;
  case 'T': shift = 40; end++; break;
  default: break;
  }
  if (shift && (strcasecmp (end, "iB") == 0 || strcasecmp (end, "B") == 0))
    end += strlen (end);
  else if (!shift && strcasecmp (end, "B") == 0)
    end++;
  if (*end || v > (unsigned long long) INT64_MAX >> shift)
    return -1;
  return (int64_t) (v << shift);
}
