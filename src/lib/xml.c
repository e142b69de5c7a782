/* libxml2 tree helpers and XML escaping. */
#include "xml.h"
#include "parse-bool.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

xmlNode *
xml_child (const xmlNode *node, const char *name)
{
  if (node == NULL)
    return NULL;
  for (xmlNode *c = node->children; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE && strcmp ((const char *) c->name, name) == 0)
      return c;
  return NULL;
}

xmlNode *
xml_next_same (const xmlNode *cur)
{
  for (xmlNode *c = cur->next; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE && strcmp ((const char *) c->name, (const char *) cur->name) == 0)
      return c;
  return NULL;
}

char *
xml_text (const xmlNode *node)
{
  xmlChar *t;
  char *r;

  if (node == NULL)
    return NULL;
  t = xmlNodeGetContent (node);
  r = strdup (t ? (const char *) t : "");
  xmlFree (t);
  return r;
}

char *
xml_child_text (const xmlNode *node, const char *name)
{
  return xml_text (xml_child (node, name));
}

bool
xml_child_int64 (const xmlNode *node, const char *name, int64_t *out)
{
  const xmlNode *c = xml_child (node, name);
  char *copy = NULL, *end;
  const char *t;
  long long v;
  bool ok;

  if (c == NULL)
    return false;
  /* One text node, the usual case: read it in place (a reply of 2000
   * changed areas has 4000 of these). */
  if (c->children && c->children == c->last && c->children->type == XML_TEXT_NODE &&
      c->children->content)
    t = (const char *) c->children->content;
  else if ((t = copy = xml_text (c)) == NULL)
    return false;
  errno = 0;
  v = strtoll (t, &end, 10);
  ok = errno == 0 && end != t && *end == '\0';
  free (copy);
  if (ok)
    *out = v;
  return ok;
}

bool
xml_child_bool (const xmlNode *node, const char *name, bool default_)
{
  char *t = xml_child_text (node, name);
  bool v = default_;

  if (t)
    v = parse_bool (t) == 1;
  free (t);
  return v;
}

char *
xml_xsi_type (const xmlNode *node)
{
  xmlChar *v = xmlGetNsProp (node, (const xmlChar *) "type", (const xmlChar *) XSI_NS);
  char *r, *colon;

  if (v == NULL)
    return NULL;
  colon = strchr ((char *) v, ':');
  r = strdup (colon ? colon + 1 : (const char *) v);
  xmlFree (v);
  return r;
}

char *
xml_escape (const char *s)
{
  size_t n = 1;
  char *out, *p;

  for (const char *q = s; *q; q++)
    n += *q == '&' ? 5 : (*q == '<' || *q == '>') ? 4 : (*q == '"' || *q == '\'') ? 6 : 1;
  out = p = malloc (n);
  if (out == NULL)
    return NULL;
  for (; *s; s++) {
    const char *rep = NULL;
    switch (*s) {
    case '&': rep = "&amp;"; break;
    case '<': rep = "&lt;"; break;
    case '>': rep = "&gt;"; break;
    case '"': rep = "&quot;"; break;
    case '\'': rep = "&apos;"; break;
    }
    if (rep) {
      strcpy (p, rep);
      p += strlen (rep);
    }
    else
      *p++ = *s;
  }
  *p = '\0';
  return out;
}
