/* SOAP transport and session handling for vSphere. */
#include "soap.h"
#include "xml.h"
#include "log.h"

#include <libxml/parser.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SOAPENV_NS "http://schemas.xmlsoap.org/soap/envelope/"

static int vs_login (struct vs_conn *c, struct vmerr *err);

static char *
build_envelope (const char *method, const char *this_type, const char *this_value,
                const char *args)
{
  char *out = NULL;
  char *t = xml_escape (this_type), *v = xml_escape (this_value);

  if (t && v &&
      asprintf (&out,
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                "<soapenv:Envelope xmlns:soapenv=\"" SOAPENV_NS "\" "
                "xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" "
                "xmlns:xsi=\"" XSI_NS "\"><soapenv:Body>"
                "<%s xmlns=\"urn:vim25\"><_this type=\"%s\">%s</_this>%s</%s>"
                "</soapenv:Body></soapenv:Envelope>",
                method, t, v, args ? args : "", method) < 0)
    out = NULL;
  free (t);
  free (v);
  return out;
}

/* Body element of a SOAP envelope, checked by namespace, not prefix. */
static xmlNode *
soap_body (xmlDoc *doc)
{
  xmlNode *env = xmlDocGetRootElement (doc);

  if (env == NULL || env->ns == NULL || strcmp ((const char *) env->ns->href, SOAPENV_NS) != 0)
    return NULL;
  for (xmlNode *n = env->children; n; n = n->next)
    if (n->type == XML_ELEMENT_NODE && strcmp ((const char *) n->name, "Body") == 0)
      return n;
  return NULL;
}

static xmlNode *
first_element (xmlNode *n)
{
  for (n = n ? n->children : NULL; n; n = n->next)
    if (n->type == XML_ELEMENT_NODE)
      return n;
  return NULL;
}

/* Fill FAULT from <Fault><detail><XFault xsi:type="X">. */
static void
parse_fault (xmlNode *fault_el, struct vs_fault *f, char **faultstring)
{
  xmlNode *detail = xml_child (fault_el, "detail");
  xmlNode *d = first_element (detail);
  char *t;

  *faultstring = xml_child_text (fault_el, "faultstring");
  memset (f, 0, sizeof *f);
  if (d == NULL)
    return;
  t = xml_xsi_type (d);
  if (t == NULL) {
    /* No xsi:type: the element is named <Type>Fault. */
    size_t n = strlen ((const char *) d->name);
    t = strdup ((const char *) d->name);
    if (t && n > 5 && strcmp (t + n - 5, "Fault") == 0)
      t[n - 5] = '\0';
  }
  if (t)
    snprintf (f->type, sizeof f->type, "%s", t);
  free (t);
  t = xml_child_text (d, "invalidProperty");
  if (t)
    snprintf (f->invalid_property, sizeof f->invalid_property, "%s", t);
  free (t);
}

static int
fault_code (const char *type)
{
  if (strcmp (type, "InvalidLogin") == 0 || strcmp (type, "NoPermission") == 0)
    return VMERR_AUTH;
  return VMERR_VSPHERE;
}

int
vs_reply_parse (const char *method, const char *body, size_t len, long status, xmlDoc **docp,
                xmlNode **ret, struct vs_fault *fault, struct vmerr *err)
{
  xmlDoc *doc = NULL;
  xmlNode *first;
  int rc = -1;

  *docp = NULL;
  *ret = NULL;
  memset (fault, 0, sizeof *fault);
  /* libxml2 takes an int length: a larger reply is not one vSphere sends. */
  if (len > INT_MAX)
    return vmerr_set (err, VMERR_VSPHERE, "vSphere %s: the reply is too large (%zu bytes)",
                      method, len);
  doc = xmlReadMemory (body, (int) len, "reply.xml", NULL,
                       XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR |
                       XML_PARSE_NOWARNING | XML_PARSE_COMPACT);
  first = first_element (doc ? soap_body (doc) : NULL);
  if (first == NULL) {
    vmerr_set (err, VMERR_VSPHERE, "vSphere %s: the reply is not a SOAP envelope (HTTP %ld)",
               method, status);
    goto out;
  }
  if (strcmp ((const char *) first->name, "Fault") == 0) {
    char *fs = NULL;
    parse_fault (first, fault, &fs);
    vmerr_set (err, fault_code (fault->type), "vSphere %s failed: %s%s%s", method,
               fault->type[0] ? fault->type : "fault", fs && *fs ? ": " : "", fs ? fs : "");
    free (fs);
    goto out;
  }
  *ret = xml_child (first, "returnval");
  *docp = doc;
  doc = NULL;
  rc = 0;
out:
  xmlFreeDoc (doc);
  return rc;
}

/* One HTTP exchange; no session renewal. */
static int
call_once (struct vs_conn *c, const char *method, const char *this_type,
           const char *this_value, const char *args, xmlDoc **docp, xmlNode **ret,
           struct vs_fault *fault, struct vmerr *err)
{
  char action[128];
  const char *headers[] = { "Content-Type: text/xml; charset=utf-8", action, NULL };
  struct http_response resp;
  char *envelope = build_envelope (method, this_type, this_value, args);
  int rc = -1;

  *docp = NULL;
  *ret = NULL;
  memset (fault, 0, sizeof *fault);
  if (envelope == NULL)
    return vmerr_set (err, VMERR_FAILED, "out of memory building a SOAP request");
  snprintf (action, sizeof action, "SOAPAction: \"urn:vim25/%s\"",
            c->api_version ? c->api_version : "8.0.2.0");
  /* Read-only calls may be resent after a dropped connection. */
  int flags = strncmp (method, "Retrieve", 8) == 0 || strncmp (method, "Find", 4) == 0 ||
              strcmp (method, "QueryChangedDiskAreas") == 0 || strcmp (method, "WaitForUpdatesEx") == 0 ||
              strcmp (method, "ContinueRetrievePropertiesEx") == 0 ? HTTP_IDEMPOTENT : 0;
  if (http_request (c->http, "POST", c->url, headers, envelope, strlen (envelope), flags,
                    &resp, err) == -1) {
    vmerr_prefix (err, "vSphere %s: ", method);
    free (envelope);
    return -1;
  }
  free (envelope);
  if (resp.status != 200 && resp.status != 500) {
    vmerr_set (err, resp.status == 401 || resp.status == 403 ? VMERR_AUTH : VMERR_VSPHERE,
               "vSphere %s: HTTP %ld from %s (is this the vCenter/ESXi SDK URL, ending in /sdk?)",
               method, resp.status, c->url);
    goto out;
  }
  rc = vs_reply_parse (method, resp.body, resp.len, resp.status, docp, ret, fault, err);
out:
  http_response_free (&resp);
  return rc;
}

int
vs_call (struct vs_conn *c, const char *method, const char *this_type,
         const char *this_value, const char *args, xmlDoc **doc, xmlNode **ret,
         struct vs_fault *fault, struct vmerr *err)
{
  struct vs_fault local;

  if (fault == NULL)
    fault = &local;
  if (call_once (c, method, this_type, this_value, args, doc, ret, fault, err) == 0)
    return 0;
  if (strcmp (fault->type, "NotAuthenticated") != 0 || strcmp (method, "Login") == 0)
    return -1;
  log_info ("vSphere session expired; logging in again");
  if (vs_login (c, err) == -1)
    return -1;
  return call_once (c, method, this_type, this_value, args, doc, ret, fault, err);
}

static int
vs_login (struct vs_conn *c, struct vmerr *err)
{
  char *args = NULL, *u = xml_escape (c->user), *p = xml_escape (c->password);
  xmlDoc *doc = NULL;
  xmlNode *ret;
  int rc = -1;

  if (u && p && asprintf (&args, "<userName>%s</userName><password>%s</password>", u, p) < 0)
    args = NULL;
  if (p)
    memset (p, 0, strlen (p));
  free (u);
  free (p);
  if (args == NULL)
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  rc = call_once (c, "Login", "SessionManager", c->session_manager, args, &doc, &ret,
                  &(struct vs_fault) { 0 }, err);
  memset (args, 0, strlen (args));
  free (args);
  xmlFreeDoc (doc);
  c->logged_in = rc == 0;
  if (rc == -1 && err->code == VMERR_AUTH)
    vmerr_set (err, VMERR_AUTH, "vSphere login as '%s' at %s was refused: check the user "
               "name and the password file", c->user, c->url);
  return rc;
}

/* Read the morefs and version we need from ServiceContent. */
static int
retrieve_service_content (struct vs_conn *c, struct vmerr *err)
{
  xmlDoc *doc;
  xmlNode *ret, *about;
  int rc = -1;

  if (call_once (c, "RetrieveServiceContent", "ServiceInstance", "ServiceInstance", NULL,
                 &doc, &ret, &(struct vs_fault) { 0 }, err) == -1)
    return -1;
  about = xml_child (ret, "about");
  c->property_collector = xml_child_text (ret, "propertyCollector");
  c->search_index = xml_child_text (ret, "searchIndex");
  c->session_manager = xml_child_text (ret, "sessionManager");
  c->view_manager = xml_child_text (ret, "viewManager");
  c->root_folder = xml_child_text (ret, "rootFolder");
  c->api_version = xml_child_text (about, "apiVersion");
  c->about = xml_child_text (about, "fullName");
  if (!c->property_collector || !c->search_index || !c->session_manager || !c->root_folder)
    vmerr_set (err, VMERR_VSPHERE, "%s did not return a usable ServiceContent "
               "(is this a vCenter or ESXi SDK endpoint?)", c->url);
  else
    rc = 0;
  xmlFreeDoc (doc);
  return rc;
}

struct vs_conn *
vs_connect (const struct vs_opts *opts, struct vmerr *err)
{
  struct vs_conn *c = calloc (1, sizeof *c);

  if (c == NULL) {
    vmerr_set (err, VMERR_FAILED, "out of memory");
    return NULL;
  }
  c->url = strdup (opts->url);
  c->user = strdup (opts->user);
  c->password = strdup (opts->password);
  if (!c->url || !c->user || !c->password) {
    vmerr_set (err, VMERR_FAILED, "out of memory");
    goto fail;
  }
  c->http = http_new (&opts->http, err);
  if (c->http == NULL)
    goto fail;
  if (retrieve_service_content (c, err) == -1 || vs_login (c, err) == -1)
    goto fail;
  log_debug ("connected to %s (%s, API %s)", c->url, c->about ? c->about : "?",
             c->api_version ? c->api_version : "?");
  return c;
fail:
  vs_disconnect (c);
  return NULL;
}

void
vs_disconnect (struct vs_conn *c)
{
  if (c == NULL)
    return;
  if (c->logged_in) {
    xmlDoc *doc = NULL;
    xmlNode *ret;
    struct vmerr ignore;
    /* Best effort: a failed logout only leaves a session to expire. */
    if (call_once (c, "Logout", "SessionManager", c->session_manager, NULL, &doc, &ret,
                   &(struct vs_fault) { 0 }, &ignore) == 0)
      xmlFreeDoc (doc);
  }
  http_free (c->http);
  if (c->password)
    memset (c->password, 0, strlen (c->password));
  free (c->password);
  free (c->url);
  free (c->user);
  free (c->api_version);
  free (c->about);
  free (c->property_collector);
  free (c->search_index);
  free (c->session_manager);
  free (c->view_manager);
  free (c->root_folder);
  free (c);
}
