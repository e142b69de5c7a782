/* The error type: code + message, context prepended on the way up. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int
vmerr_set (struct vmerr *e, int code, const char *fmt, ...)
{
  va_list ap;

  e->code = code;
  va_start (ap, fmt);
  vsnprintf (e->msg, sizeof e->msg, fmt, ap);
  va_end (ap);
  return -1;
}

void
vmerr_prefix (struct vmerr *e, const char *fmt, ...)
{
  char pre[512];
  size_t plen, mlen;
  va_list ap;

  va_start (ap, fmt);
  vsnprintf (pre, sizeof pre, fmt, ap);
  va_end (ap);
  plen = strlen (pre);
  if (plen >= sizeof e->msg)
    plen = sizeof e->msg - 1;
  /* Shift the message right (truncating its tail) and put the prefix first. */
  mlen = strlen (e->msg);
  if (plen + mlen >= sizeof e->msg)
    mlen = sizeof e->msg - 1 - plen;
  memmove (e->msg + plen, e->msg, mlen);
  e->msg[plen + mlen] = '\0';
  memcpy (e->msg, pre, plen);
}

void
vmerr_clear (struct vmerr *e)
{
  e->code = VMERR_OK;
  e->msg[0] = '\0';
}
