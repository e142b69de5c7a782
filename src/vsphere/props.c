/* RetrievePropertiesEx for one object. */
#include "props.h"
#include "xml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
vs_get_props (struct vs_conn *c, const char *type, const char *moref,
              const char *const *paths, struct vs_props *out, struct vmerr *err)
{
  char *args = NULL, *pathxml = NULL;
  size_t plen = 0;
  FILE *f;
  xmlDoc *doc;
  xmlNode *ret;
  int rc;

  memset (out, 0, sizeof *out);
  f = open_memstream (&pathxml, &plen);
  if (f == NULL)
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  for (size_t i = 0; paths[i]; i++)
    fprintf (f, "<pathSet>%s</pathSet>", paths[i]);
  fclose (f);
  if (asprintf (&args,
                "<specSet><propSet><type>%s</type><all>false</all>%s</propSet>"
                "<objectSet><obj type=\"%s\">%s</obj><skip>false</skip></objectSet></specSet>"
                "<options/>", type, pathxml, type, moref) < 0)
    args = NULL;
  free (pathxml);
  if (args == NULL)
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  rc = vs_call (c, "RetrievePropertiesEx", "PropertyCollector", c->property_collector, args,
                &doc, &ret, NULL, err);
  free (args);
  if (rc == -1)
    return -1;
  /* returnval = RetrieveResult { objects: ObjectContent { obj, propSet* } };
   * an object that exists is always there, even with no property set. */
  if (xml_child (ret, "objects") == NULL) {
    xmlFreeDoc (doc);
    return vmerr_set (err, VMERR_VSPHERE, "vSphere returned nothing for %s %s (no object in "
                      "the RetrievePropertiesEx reply: does it exist, may this user read it?)",
                      type, moref);
  }
  return vs_props_from_reply (doc, ret, out, err);
}

int
vs_props_from_reply (xmlDoc *doc, xmlNode *ret, struct vs_props *out, struct vmerr *err)
{
  memset (out, 0, sizeof *out);
  out->doc = doc;
  xmlNode *obj = xml_child (ret, "objects");
  if (obj == NULL) {
    vs_props_free (out);
    return vmerr_set (err, VMERR_VSPHERE, "vSphere returned no object in a "
                      "RetrievePropertiesEx reply");
  }
  size_t cap = 0;
  for (xmlNode *ps = xml_child (obj, "propSet"); ps; ps = xml_next_same (ps))
    cap++;
  out->names = calloc (cap + 1, sizeof *out->names);
  out->vals = calloc (cap + 1, sizeof *out->vals);
  if (out->names == NULL || out->vals == NULL) {
    vs_props_free (out);
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  }
  for (xmlNode *ps = xml_child (obj, "propSet"); ps; ps = xml_next_same (ps)) {
    out->names[out->n] = xml_child_text (ps, "name");
    out->vals[out->n] = xml_child (ps, "val");
    if (out->names[out->n])
      out->n++;
  }
  return 0;
}

xmlNode *
vs_prop (const struct vs_props *p, const char *name)
{
  for (size_t i = 0; i < p->n; i++)
    if (strcmp (p->names[i], name) == 0)
      return p->vals[i];
  return NULL;
}

char *
vs_prop_text (const struct vs_props *p, const char *name)
{
  return xml_text (vs_prop (p, name));
}

void
vs_props_free (struct vs_props *p)
{
  for (size_t i = 0; i < p->n; i++)
    free (p->names[i]);
  free (p->names);
  free (p->vals);
  xmlFreeDoc (p->doc);
  memset (p, 0, sizeof *p);
}
