#ifndef VMIGRATE_VSPHERE_PROPS_H
#define VMIGRATE_VSPHERE_PROPS_H

#include <libxml/tree.h>

#include "soap.h"

/* Not thread-safe: calls on one vs_conn come from one thread at a time; a
 * struct vs_props has one owner. */

/* PropertyCollector access: the values of some properties of one object. */

struct vs_props {
  xmlDoc *doc;         /* owns every node below */
  size_t n;            /* number of properties returned */
  char **names;        /* property paths, as asked */
  xmlNode **vals;      /* their <val> elements */
};

/* Fetch PATHS (NULL-terminated) of object (TYPE, MOREF).  Unset properties
 * are simply absent from the result; a reply without the object is an
 * error (VMERR_VSPHERE). */
int vs_get_props (struct vs_conn *c, const char *type, const char *moref,
                  const char *const *paths, struct vs_props *out, struct vmerr *err);

/* Fill OUT from a RetrievePropertiesEx reply (DOC, its returnval RET, as
 * vs_call gives them).  OUT owns DOC from then on: free OUT with
 * vs_props_free either way. */
int vs_props_from_reply (xmlDoc *doc, xmlNode *ret, struct vs_props *out, struct vmerr *err);

/* The <val> of property NAME, or NULL. */
xmlNode *vs_prop (const struct vs_props *p, const char *name);

/* Text of property NAME (malloc'd) or NULL. */
char *vs_prop_text (const struct vs_props *p, const char *name);

void vs_props_free (struct vs_props *p);

#endif
