#ifndef VMIGRATE_LIB_HTTP_H
#define VMIGRATE_LIB_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* A client is not thread-safe (one libcurl handle): one thread at a time
 * (the OpenStack connection serialises its calls; each vSphere session has
 * its own client). */

/* A libcurl client: TLS verified unless told otherwise, a cookie jar in
 * memory (vSphere sessions), retries with exponential backoff on transient
 * failures (connection errors, 429, 502, 503, 504). */

struct http_opts {
  const char *ca_file;   /* extra CA bundle, or NULL for the system store */
  bool insecure;         /* skip certificate verification (--vsphere-insecure, --os-insecure) */
  long timeout_s;        /* the most one call may take, retries included;
                          * 0 = the default (http_set_default_timeout) */
  int retries;           /* transient-failure retries; <0 = default (5) */
  double backoff_s;      /* first retry delay; doubles each time (0 = 0.5 s) */
};

struct http_response {
  long status;        /* HTTP status, 0 if none */
  char *body;         /* NUL-terminated body (owned) */
  size_t len;         /* body length */
  char *headers;      /* raw header block of the final response (owned) */
};

enum http_flags {
  HTTP_IDEMPOTENT = 1,  /* safe to resend even after the request may have arrived */
};

struct http_client;

/* The timeout_s of clients made afterwards with timeout_s 0 (300 s unless
 * set): --call-timeout.  Call it once at start-up, before any thread. */
void http_set_default_timeout (long seconds);

struct http_client *http_new (const struct http_opts *opts, struct vmerr *err);
void http_free (struct http_client *c);

/* The most one call of C may take, retries included (its timeout_s). */
long http_timeout (const struct http_client *c);

/* Perform METHOD URL with optional extra header lines (NULL-terminated
 * array) and body.  Returns 0 with *resp filled for any HTTP status (the
 * caller judges it), -1 with err set when no usable answer came (after
 * retries): VMERR_TIMEOUT when timeout_s ran out, retries included.  Free
 * resp with http_response_free. */
int http_request (struct http_client *c, const char *method, const char *url,
                  const char *const *headers, const char *body, size_t body_len,
                  int flags, struct http_response *resp, struct vmerr *err);

/* Value of response header NAME (case-insensitive) in a malloc'd string,
 * or NULL. */
char *http_response_header (const struct http_response *r, const char *name);

void http_response_free (struct http_response *r);

/* Whether a status is worth a retry (429, 502, 503, 504). */
bool http_status_transient (long status);

#endif
