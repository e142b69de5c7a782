/* Keystone v3: login request body, token reply, service catalog. */
#include "keystone.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
os_parse_time (const char *s, time_t *out)
{
  struct tm tm = { 0 };
  const char *p;
  int hh = 0, mm = 0, n = 0;
  char sign;

  if (s == NULL)
    return -1;
  p = strptime (s, "%Y-%m-%dT%H:%M:%S", &tm);
  if (p == NULL)
    return -1;
  if (*p == '.') /* fraction of a second: ignored */
    for (p++; *p >= '0' && *p <= '9'; p++)
      ;
  if (*p == 'Z' || *p == 'z')
    p++;
  /* n == 6: %2d also takes one digit, and stepping 6 characters over a
   * shorter zone ("+0:00") read past the end of the string. */
  else if ((*p == '+' || *p == '-') && sscanf (p, "%c%2d:%2d%n", &sign, &hh, &mm, &n) == 3 &&
           n == 6) {
    int off = (hh * 60 + mm) * 60;
    tm.tm_sec -= sign == '+' ? off : -off;
    p += 6;
  }
  if (*p != '\0')
    return -1;
  *out = timegm (&tm);
  return *out == (time_t) -1 ? -1 : 0;
}

int
os_token_parse (const char *body, size_t len, struct os_token_info *ti, struct vmerr *err)
{
  json_object *root = osj_parse (body, len), *token, *project, *catalog;
  int rc = -1;

  memset (ti, 0, sizeof *ti);
  token = osj_get (root, "token", json_type_object);
  if (token == NULL) {
    vmerr_set (err, VMERR_OPENSTACK, "Keystone's token reply has no 'token' object (is the "
               "auth URL a Keystone v3 endpoint?)");
    goto out;
  }
  if (os_parse_time (osj_str (token, "expires_at"), &ti->expires_at) == -1) {
    vmerr_set (err, VMERR_OPENSTACK, "Keystone's token reply has no valid expires_at");
    goto out;
  }
  if (os_parse_time (osj_str (token, "issued_at"), &ti->issued_at) == -1)
    ti->issued_at = 0;
  project = osj_get (token, "project", json_type_object);
  ti->project_id = osj_dup (project, "id");
  catalog = osj_get (token, "catalog", json_type_array);
  ti->catalog = catalog ? json_object_get (catalog) : NULL;
  rc = 0;
out:
  json_object_put (root);
  return rc;
}

void
os_token_info_free (struct os_token_info *ti)
{
  free (ti->project_id);
  json_object_put (ti->catalog);
  memset (ti, 0, sizeof *ti);
}

double
os_token_margin (double lifetime)
{
  double m = lifetime / 5;
  return m > 120 ? 120 : m;
}

static bool
in_list (const char *s, const char *const *list)
{
  for (; s && *list; list++)
    if (strcmp (s, *list) == 0)
      return true;
  return false;
}

/* An endpoint's region: region_id (v3), else the older region field. */
static const char *
region_of (json_object *ep)
{
  return osj_str (ep, "region_id") ? osj_str (ep, "region_id") : osj_str (ep, "region");
}

static bool
endpoint_matches (json_object *ep, const char *region, const char *interface)
{
  const char *r = region_of (ep), *i = osj_str (ep, "interface");

  return i && strcmp (i, interface) == 0 && osj_str (ep, "url") &&
         (region == NULL || (r && strcmp (r, region) == 0) ||
          (osj_str (ep, "region") && strcmp (osj_str (ep, "region"), region) == 0));
}

/* "volumev3 public RegionOne, ..." of the services of TYPES. */
static void
describe_offers (json_object *catalog, const char *const *types, char *buf, size_t n)
{
  size_t len = 0;

  buf[0] = '\0';
  for (size_t s = 0; s < json_object_array_length (catalog); s++) {
    json_object *svc = json_object_array_get_idx (catalog, s);
    json_object *eps = osj_get (svc, "endpoints", json_type_array);
    if (!in_list (osj_str (svc, "type"), types))
      continue;
    for (size_t e = 0; eps && e < json_object_array_length (eps) && len < n; e++) {
      json_object *ep = json_object_array_get_idx (eps, e);
      const char *r = region_of (ep);
      snprintf (buf + len, n - len, "%s%s %s %s", len ? ", " : "", osj_str (svc, "type"),
                osj_str (ep, "interface") ? osj_str (ep, "interface") : "?", r ? r : "(no region)");
      len = strlen (buf);
    }
  }
}

char *
os_catalog_endpoint (json_object *catalog, const char *const *types, const char *region,
                     const char *interface, struct vmerr *err)
{
  char offers[1024], wanted[256] = "";

  for (const char *const *t = types; *t; t++) {
    for (size_t s = 0; catalog && s < json_object_array_length (catalog); s++) {
      json_object *svc = json_object_array_get_idx (catalog, s);
      json_object *eps = osj_get (svc, "endpoints", json_type_array);
      if (osj_str (svc, "type") == NULL || strcmp (osj_str (svc, "type"), *t) != 0)
        continue;
      for (size_t e = 0; eps && e < json_object_array_length (eps); e++) {
        json_object *ep = json_object_array_get_idx (eps, e);
        if (endpoint_matches (ep, region, interface)) {
          char *url = strdup (osj_str (ep, "url"));
          size_t n = url ? strlen (url) : 0;
          while (n > 0 && url[n - 1] == '/')
            url[--n] = '\0';
          if (url == NULL)
            vmerr_set (err, VMERR_FAILED, "out of memory");
          return url;
        }
      }
    }
    snprintf (wanted + strlen (wanted), sizeof wanted - strlen (wanted), "%s%s",
              t == types ? "" : " or ", *t);
  }
  describe_offers (catalog, types, offers, sizeof offers);
  vmerr_set (err, VMERR_OPENSTACK, "the service catalog has no %s endpoint with interface "
             "'%s'%s%s (%s%s): check OS_REGION_NAME and OS_INTERFACE (region_name, interface "
             "in clouds.yaml)", wanted, interface, region ? " in region " : "",
             region ? region : "", *offers ? "it offers: " : "it has none at all", offers);
  return NULL;
}

/* {"name"|"id": ..., "domain": {...}} for a user or project. */
static json_object *
named (const char *name, const char *id, const char *domain_name, const char *domain_id)
{
  json_object *o = json_object_new_object (), *d = NULL;

  if (o == NULL)
    return NULL;
  if (id) {
    if (osj_add_str (o, "id", id) == -1)
      goto fail;
    return o;
  }
  if (osj_add_str (o, "name", name) == -1 || (d = json_object_new_object ()) == NULL ||
      (domain_name ? osj_add_str (d, "name", domain_name) : osj_add_str (d, "id", domain_id)) ==
        -1 ||
      json_object_object_add (o, "domain", d) != 0)
    goto fail;
  return o;
fail:
  json_object_put (d);
  json_object_put (o);
  return NULL;
}

/* Adds CHILD to O under KEY; CHILD is consumed even on failure (and when
 * O is NULL, so allocation failures need no extra checks). */
static int
add (json_object *o, const char *key, json_object *child)
{
  if (o == NULL || child == NULL || json_object_object_add (o, key, child) != 0) {
    json_object_put (child);
    return -1;
  }
  return 0;
}

static json_object *
identity (const struct os_auth *a)
{
  bool pw = a->method == OS_AUTH_PASSWORD;
  const char *method = pw ? "password" : "application_credential";
  json_object *id = json_object_new_object (), *m = json_object_new_object ();
  json_object *methods = json_object_new_array (), *user = NULL;
  bool ok = id && m && methods &&
            json_object_array_add (methods, json_object_new_string (method)) == 0;

  if (ok && (a->username || a->user_id))
    ok = (user = named (a->username, a->user_id, a->user_domain_name, a->user_domain_id)) != NULL;
  if (ok && pw)
    ok = user && osj_add_str (user, "password", a->password) == 0;
  if (ok && !pw)
    ok = (a->app_cred_id ? osj_add_str (m, "id", a->app_cred_id)
                         : osj_add_str (m, "name", a->app_cred_name)) == 0 &&
         osj_add_str (m, "secret", a->app_cred_secret) == 0;
  /* A credential by id needs no user; by name it does. */
  if (ok && user && (pw || !a->app_cred_id)) {
    ok = add (m, "user", user) == 0;
    user = NULL;
  }
  if (ok) {
    ok = add (id, "methods", methods) == 0;
    methods = NULL;
  }
  if (ok) {
    ok = add (id, method, m) == 0;
    m = NULL;
  }
  json_object_put (user);
  json_object_put (methods);
  json_object_put (m);
  if (!ok) {
    json_object_put (id);
    return NULL;
  }
  return id;
}

/* Overwrite every string json-c keeps for O, and its serialised text:
 * the tree holds a password or secret. */
static void
wipe_tree (json_object *o)
{
  char *s;

  if (json_object_is_type (o, json_type_object)) {
    json_object_object_foreach (o, k, v) {
      (void) k;
      wipe_tree (v);
    }
  }
  else if (json_object_is_type (o, json_type_array)) {
    for (size_t i = 0; i < json_object_array_length (o); i++)
      wipe_tree (json_object_array_get_idx (o, i));
  }
  else if (json_object_is_type (o, json_type_string)) {
    s = (char *) json_object_get_string (o);
    memset (s, 0, (size_t) json_object_get_string_len (o));
  }
}

char *
os_auth_request_body (const struct os_auth *a)
{
  json_object *root = json_object_new_object (), *auth = json_object_new_object ();
  json_object *scope = NULL;
  char *text = NULL, *serialised;

  if (add (root, "auth", auth) == -1) {
    json_object_put (root);
    return NULL;
  }
  if (add (auth, "identity", identity (a)) == -1)
    goto out;
  /* An application credential carries its own scope. */
  if (a->method == OS_AUTH_PASSWORD) {
    scope = json_object_new_object ();
    if (add (scope, "project", named (a->project_name, a->project_id, a->project_domain_name,
                                      a->project_domain_id)) == -1) {
      json_object_put (scope);
      goto out;
    }
    if (add (auth, "scope", scope) == -1)
      goto out;
  }
  text = osj_text (root);
  /* json-c keeps the text it returned inside ROOT: wipe it too. */
  serialised = (char *) json_object_to_json_string_ext (root, JSON_C_TO_STRING_PLAIN);
  if (serialised)
    memset (serialised, 0, strlen (serialised));
out:
  wipe_tree (root);
  json_object_put (root);
  return text;
}
