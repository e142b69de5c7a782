/* Keystone session: login, token renewal, endpoints, and the one REST call
 * every Cinder and Nova operation goes through. */
#include "conn.h"
#include "keystone.h"
#include "util.h"
#include "clock.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const volume_types[] = { "volumev3", "block-storage", NULL };
static const char *const compute_types[] = { "compute", NULL };
static const char *const network_types[] = { "network", NULL };

/* Neutron's catalog entry is the service root; its API is under /v2.0. */
static char *
network_url_versioned (char *url)
{
  size_t n = url ? strlen (url) : 0;
  char *u = NULL;

  while (n > 0 && url[n - 1] == '/')
    url[--n] = '\0';
  if (url == NULL || (n >= 5 && strcmp (url + n - 5, "/v2.0") == 0))
    return url;
  if (asprintf (&u, "%s/v2.0", url) < 0)
    u = NULL;
  free (url);
  return u;
}

/* The Cinder URL must name the project (block-storage entries may not). */
static int
volume_url_with_project (struct os_conn *c, char **url)
{
  size_t n = strlen (*url);
  char *u;

  if (n < 3 || strcmp (*url + n - 3, "/v3") != 0)
    return 0;
  if (asprintf (&u, "%s/%s", *url, c->project_id) < 0)
    return -1;
  free (*url);
  *url = u;
  return 0;
}

/* Take the endpoints from a new token's catalog. */
static int
set_endpoints (struct os_conn *c, json_object *catalog, struct vmerr *err)
{
  const char *region = c->auth.region, *iface = c->auth.interface;
  char *vol = os_catalog_endpoint (catalog, volume_types, region, iface, err);
  char *comp = vol ? os_catalog_endpoint (catalog, compute_types, region, iface, err) : NULL;

  if (comp == NULL || volume_url_with_project (c, &vol) == -1) {
    free (vol);
    free (comp);
    return -1;
  }
  free (c->volume_url);
  free (c->compute_url);
  c->volume_url = vol;
  c->compute_url = comp;
  /* No network service is not an error until the instance needs one. */
  struct vmerr ignored = { 0 };
  free (c->network_url);
  c->network_url = network_url_versioned (os_catalog_endpoint (catalog, network_types, region,
                                                                iface, &ignored));
  return 0;
}

/* Adopt a token reply: token, renewal time, project, endpoints. */
static int
take_token (struct os_conn *c, const struct http_response *r, struct vmerr *err)
{
  struct os_token_info ti;
  char *token = http_response_header (r, "X-Subject-Token");
  double lifetime;
  int rc = -1;

  if (token == NULL)
    return vmerr_set (err, VMERR_OPENSTACK, "Keystone at %s answered the login without an "
                      "X-Subject-Token header", c->auth.auth_url);
  if (os_token_parse (r->body, r->len, &ti, err) == -1)
    goto out;
  if (ti.project_id == NULL || ti.catalog == NULL) {
    vmerr_set (err, VMERR_OPENSTACK, "Keystone issued a token without a project scope or "
               "catalog: check the project settings");
    goto out;
  }
  free (c->project_id);
  c->project_id = ti.project_id;
  ti.project_id = NULL;
  if (set_endpoints (c, ti.catalog, err) == -1)
    goto out;
  /* Lifetime in the server's clock, counted on ours: no skew problem. */
  lifetime = (double) (ti.expires_at - (ti.issued_at ? ti.issued_at : time (NULL)));
  c->renew_at = clock_now () + lifetime - os_token_margin (lifetime);
  os_free_secret (c->token);
  c->token = token;
  token = NULL;
  c->logins++;
  log_debug ("Keystone: logged in (project %s), token valid for %.0f s", c->project_id, lifetime);
  rc = 0;
out:
  os_free_secret (token);
  os_token_info_free (&ti);
  return rc;
}

static int
login (struct os_conn *c, struct vmerr *err)
{
  const char *headers[] = { "Content-Type: application/json", "Accept: application/json", NULL };
  struct http_response r;
  char *url = NULL, *body = os_auth_request_body (&c->auth);
  char hint[1024], text[1024];
  int rc = -1;

  if (body == NULL || asprintf (&url, "%s/auth/tokens", c->auth.auth_url) < 0) {
    os_free_secret (body);
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  }
  rc = http_request (c->http, "POST", url, headers, body, strlen (body), HTTP_IDEMPOTENT, &r, err);
  os_free_secret (body);
  free (url);
  if (rc == -1) {
    vmerr_prefix (err, "Keystone login: ");
    return -1;
  }
  rc = -1;
  if (r.status == 201 || r.status == 200)
    rc = take_token (c, &r, err);
  else if (r.status == 401 || r.status == 404) {
    /* Keystone answers 404 for an unknown project or domain by id. */
    os_auth_hint (&c->auth, hint, sizeof hint);
    os_error_text (r.body, r.len, text, sizeof text);
    vmerr_set (err, VMERR_AUTH, "Keystone at %s refused the login (HTTP %ld %s): %s",
               c->auth.auth_url, r.status, text, hint);
  }
  else
    os_http_error (err, OS_IDENTITY, "POST /auth/tokens", r.status, r.body, r.len);
  http_response_free (&r);
  return rc;
}

struct os_conn *
os_connect (const struct os_auth *auth, struct vmerr *err)
{
  struct http_opts opts = { .retries = -1 };
  struct os_conn *c = calloc (1, sizeof *c);

  if (c == NULL || os_auth_copy (&c->auth, auth) == -1) {
    free (c);
    vmerr_set (err, VMERR_FAILED, "out of memory");
    return NULL;
  }
  pthread_mutex_init (&c->lock, NULL);
  opts.ca_file = c->auth.cacert;
  opts.insecure = c->auth.insecure;
  c->http = http_new (&opts, err);
  if (c->http == NULL || login (c, err) == -1) {
    os_disconnect (c);
    return NULL;
  }
  log_debug ("Cinder at %s, Nova at %s", c->volume_url, c->compute_url);
  return c;
}

void
os_disconnect (struct os_conn *c)
{
  if (c == NULL)
    return;
  http_free (c->http);
  os_free_secret (c->token);
  os_auth_free (&c->auth);
  free (c->project_id);
  free (c->volume_url);
  free (c->compute_url);
  free (c->network_url);
  pthread_mutex_destroy (&c->lock);
  free (c);
}

static const char *
base_url (struct os_conn *c, enum os_service svc)
{
  switch (svc) {
  case OS_VOLUME: return c->volume_url;
  case OS_COMPUTE: return c->compute_url;
  case OS_NETWORK: return c->network_url;
  default: return c->auth.auth_url;
  }
}

/* "POST /volumes" for messages: the path without its query. */
static void
describe (const char *method, const char *path, char *buf, size_t n)
{
  snprintf (buf, n, "%s %.*s", method, (int) strcspn (path, "?"), path);
}

/* One exchange with the current token. */
static int
call_once (struct os_conn *c, enum os_service svc, const char *method, const char *path,
           const char *microversion, const char *body, struct http_response *r,
           struct vmerr *err)
{
  char *url = NULL, *auth = NULL, version[64];
  const char *headers[5] = { "Content-Type: application/json", "Accept: application/json" };
  int rc;

  if (base_url (c, svc) == NULL)
    return vmerr_set (err, VMERR_OPENSTACK, "the Keystone catalog has no network service "
                      "(Neutron) for region %s, interface %s: the instance's ports need one",
                      c->auth.region ? c->auth.region : "(any)",
                      c->auth.interface ? c->auth.interface : "public");
  if (asprintf (&url, "%s%s", base_url (c, svc), path) < 0)
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  if (asprintf (&auth, "X-Auth-Token: %s", c->token) < 0) {
    free (url);
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  }
  headers[2] = auth;
  if (microversion) {
    snprintf (version, sizeof version, "OpenStack-API-Version: %s %s",
              svc == OS_VOLUME ? "volume" : svc == OS_COMPUTE ? "compute"
              : svc == OS_NETWORK ? "network" : "identity",
              microversion);
    headers[3] = version;
  }
  rc = http_request (c->http, method, url, headers, body, body ? strlen (body) : 0,
                     strcmp (method, "POST") != 0 ? HTTP_IDEMPOTENT : 0, r, err);
  os_free_secret (auth);
  free (url);
  return rc;
}

/* Renew the token first when it is about to expire. */
static int
fresh_token (struct os_conn *c, struct vmerr *err)
{
  if (c->token && clock_now () < c->renew_at)
    return 0;
  log_debug ("Keystone token about to expire: logging in again");
  return login (c, err);
}

static int
exchange (struct os_conn *c, enum os_service svc, const char *method, const char *path,
          const char *microversion, const char *body, struct http_response *r,
          struct vmerr *err)
{
  if (fresh_token (c, err) == -1 ||
      call_once (c, svc, method, path, microversion, body, r, err) == -1)
    return -1;
  if (r->status != 401)
    return 0;
  /* Expired early or revoked: one new login, one more try. */
  log_info ("OpenStack token refused (expired or revoked): logging in again");
  http_response_free (r);
  if (login (c, err) == -1)
    return -1;
  return call_once (c, svc, method, path, microversion, body, r, err);
}

int
os_call (struct os_conn *c, enum os_service svc, const char *method, const char *path,
         const char *microversion, json_object *body, json_object **reply, long *status,
         struct vmerr *err)
{
  struct http_response r = { 0 };
  char what[256], *text = body ? osj_text (body) : NULL;
  int rc = -1;

  if (reply)
    *reply = NULL;
  if (status)
    *status = 0;
  describe (method, path, what, sizeof what);
  if (body && text == NULL)
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  pthread_mutex_lock (&c->lock);
  rc = exchange (c, svc, method, path, microversion, text, &r, err);
  pthread_mutex_unlock (&c->lock);
  free (text);
  if (rc == -1)
    return -1; /* http.c's and login's messages name the request */
  rc = -1;
  if (status)
    *status = r.status;
  log_debug ("%s -> HTTP %ld", what, r.status);
  if (r.status < 200 || r.status > 299)
    os_http_error (err, svc, what, r.status, r.body, r.len);
  else if (reply && r.len > 0 && (*reply = osj_parse (r.body, r.len)) == NULL)
    vmerr_set (err, VMERR_OPENSTACK, "%s: the reply (HTTP %ld) is not JSON", what, r.status);
  else
    rc = 0;
  http_response_free (&r);
  return rc;
}

int
os_call_delete (struct os_conn *c, enum os_service svc, const char *collection, const char *id,
                struct vmerr *err)
{
  char *path = os_id_path (collection, id);
  long status = 0;
  int rc;

  if (path == NULL)
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  rc = os_call (c, svc, "DELETE", path, NULL, NULL, NULL, &status, err);
  if (rc == -1 && status == 404) {
    *err = (struct vmerr) { 0 };
    rc = 0;
  }
  free (path);
  return rc;
}
