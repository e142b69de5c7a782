#ifndef VMIGRATE_OPENSTACK_CONN_H
#define VMIGRATE_OPENSTACK_CONN_H

#include <json-c/json.h>
#include <pthread.h>
#include <stddef.h>

#include "error.h"
#include "http.h"
#include "auth.h"

/* A Keystone v3 session and the REST calls made with it.  The token is
 * renewed transparently: before a call when it is about to expire, and
 * once per call when a service answers 401.  Calls from several threads
 * are serialised (one libcurl handle). */

enum os_service {
  OS_IDENTITY,   /* Keystone (the auth URL) */
  OS_VOLUME,     /* Cinder v3: catalog type volumev3, else block-storage */
  OS_COMPUTE,    /* Nova v2.1: catalog type compute */
  OS_NETWORK,    /* Neutron v2.0: catalog type network (optional: only the
                  * instance needs it) */
};

struct os_conn {
  struct http_client *http;  /* one libcurl handle, TLS from the settings */
  pthread_mutex_t lock;      /* one request (with its re-login) at a time */
  struct os_auth auth;       /* the settings, an owned copy */
  char *token;               /* X-Subject-Token: secret, never logged */
  double renew_at;           /* clock_now () after which the token is renewed first */
  char *project_id;          /* the token's project */
  char *volume_url;          /* Cinder endpoint, ending in /v3/<project_id> */
  char *compute_url;         /* Nova endpoint (…/v2.1) */
  char *network_url;         /* Neutron endpoint + /v2.0; NULL when the catalog has none */
  unsigned logins;           /* successful Keystone logins so far */
};

/* Log in and find the Cinder and Nova endpoints (and Neutron's, when
 * there is one) for the region and interface of AUTH (copied).  NULL with err set: VMERR_AUTH when Keystone
 * refuses the credentials (the message names the settings to check, never
 * a secret), VMERR_TLS, VMERR_OPENSTACK for a catalog without the services. */
struct os_conn *os_connect (const struct os_auth *auth, struct vmerr *err);

/* Free the session (the token is left to expire). */
void os_disconnect (struct os_conn *c);

/* METHOD on SERVICE's endpoint + PATH ("/volumes/ID", query allowed) with
 * an optional JSON BODY (not consumed) and microversion ("3.40", sent as
 * "OpenStack-API-Version: volume 3.40"; NULL for none).  A 2xx returns 0
 * with *REPLY (if REPLY is given) the parsed body, or NULL when it was
 * empty; release it with json_object_put.  Anything else returns -1 with
 * err set (see os_http_error) and *STATUS (if given) the HTTP status, 0
 * when no answer came. */
int os_call (struct os_conn *c, enum os_service svc, const char *method, const char *path,
             const char *microversion, json_object *body, json_object **reply, long *status,
             struct vmerr *err);

/* DELETE /COLLECTION/ID on SVC; a 404 (already gone) counts as done. */
int os_call_delete (struct os_conn *c, enum os_service svc, const char *collection,
                    const char *id, struct vmerr *err);

/* The service's own words from an error reply: "itemNotFound: Volume x
 * could not be found." for Cinder and Nova, "Unauthorized: The request you
 * have made…" for Keystone, the start of the text for anything else. */
void os_error_text (const char *body, size_t len, char *buf, size_t n);

/* Set err for an error reply of SERVICE to WHAT ("POST /volumes") and
 * return -1.  The message holds the HTTP status and the service's words;
 * code VMERR_AUTH for 401, VMERR_OPENSTACK otherwise.  An exceeded quota
 * (413, or overLimit without a retry) says so and how to fix it. */
int os_http_error (struct vmerr *err, enum os_service svc, const char *what, long status,
                   const char *body, size_t len);

#endif
