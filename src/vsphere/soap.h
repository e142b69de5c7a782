#ifndef VMIGRATE_VSPHERE_SOAP_H
#define VMIGRATE_VSPHERE_SOAP_H

#include <libxml/tree.h>
#include <stdbool.h>

#include "error.h"
#include "http.h"

/* Not thread-safe: a vs_conn (one libcurl handle, one session cookie) is
 * used by one thread at a time. */

/* A logged-in vSphere Web Services session (SOAP over HTTPS, urn:vim25).
 * Expired sessions are renewed transparently (one re-login per call). */

struct vs_opts {
  const char *url;            /* https://vcenter/sdk */
  const char *user;           /* e.g. administrator@vsphere.local */
  const char *password;       /* secret: never logged nor put in messages */
  struct http_opts http;      /* TLS and retry settings */
};

struct vs_conn {
  struct http_client *http;   /* cookie jar holds vmware_soap_session */
  char *url;                  /* endpoint (owned) */
  char *user;                 /* login name (owned) */
  char *password;             /* secret (owned, wiped on free) */
  char *api_version;          /* about.apiVersion, used in SOAPAction */
  char *about;                /* about.fullName, for logs */
  char *property_collector;   /* moref values from ServiceContent (owned) */
  char *search_index;
  char *session_manager;
  char *view_manager;
  char *root_folder;
  bool logged_in;             /* Login succeeded (so Logout is worth sending) */
};

/* The fault a call failed with (type without "Fault" suffix). */
struct vs_fault {
  char type[64];              /* e.g. "InvalidArgument", "" when not a SOAP fault */
  char invalid_property[64];  /* InvalidArgument's invalidProperty, if any */
};

struct vs_conn *vs_connect (const struct vs_opts *opts, struct vmerr *err);

/* Log out (best effort) and free. */
void vs_disconnect (struct vs_conn *c);

/* Invoke METHOD on the object (THIS_TYPE, THIS_VALUE) with ARGS, a string
 * of already-serialized argument elements (may be NULL).  On success
 * returns 0, *doc owns the reply and *ret is its first returnval element
 * (NULL for void methods or empty results).  On a SOAP fault returns -1,
 * sets err and, if FAULT is given, the fault's type. */
int vs_call (struct vs_conn *c, const char *method, const char *this_type,
             const char *this_value, const char *args, xmlDoc **doc, xmlNode **ret,
             struct vs_fault *fault, struct vmerr *err);

/* Parse the body of a vim25 reply to METHOD (HTTP STATUS, for messages):
 * what vs_call does with the bytes it receives, without the network (so
 * fuzz targets and tests feed it recorded replies).  Same results as
 * vs_call; *doc is NULL on error. */
int vs_reply_parse (const char *method, const char *body, size_t len, long status,
                    xmlDoc **doc, xmlNode **ret, struct vs_fault *fault, struct vmerr *err);

#endif
