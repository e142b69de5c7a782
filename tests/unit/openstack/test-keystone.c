/* Keystone v3 on recorded replies: timestamps, token expiry, the catalog
 * endpoint for a region and interface, the login request body. */
#include "check-text.h"
#include "keystone.h"

#include <stdlib.h>

/* A token reply as Keystone sends it (trimmed): two regions, Cinder under
 * both service types, Nova; region given as region_id and region. */
static const char token_reply[] =
  "{\"token\": {\"methods\": [\"password\"], \"user\": {\"domain\": {\"id\": \"default\", "
  "\"name\": \"Default\"}, \"id\": \"ee4dfb6e5540447cb3741905149d9b6e\", \"name\": \"admin\", "
  "\"password_expires_at\": null}, \"audit_ids\": [\"3T2dc1CGQxyJsHdDu1xkcw\"], "
  "\"expires_at\": \"2015-11-07T02:58:43.578887Z\", \"issued_at\": "
  "\"2015-11-07T01:58:43.578929Z\", \"project\": {\"domain\": {\"id\": \"default\", \"name\": "
  "\"Default\"}, \"id\": \"a6944d763bf64ee6a275f1263fae0352\", \"name\": \"admin\"}, "
  "\"is_domain\": false, \"roles\": [{\"id\": \"51cc68287d524c759f47c811e6463340\", "
  "\"name\": \"admin\"}], \"catalog\": ["
  "{\"endpoints\": [{\"region_id\": \"RegionOne\", \"url\": \"http://one:5000\", \"region\": "
  "\"RegionOne\", \"interface\": \"public\", \"id\": \"1\"}], \"type\": \"identity\", \"id\": "
  "\"a\", \"name\": \"keystone\"},"
  "{\"endpoints\": [{\"region_id\": \"RegionOne\", \"url\": \"http://bs-one/v3/p\", "
  "\"region\": \"RegionOne\", \"interface\": \"public\", \"id\": \"2\"}, {\"region_id\": "
  "\"RegionTwo\", \"url\": \"http://bs-two/v3\", \"region\": \"RegionTwo\", \"interface\": "
  "\"public\", \"id\": \"3\"}], \"type\": \"block-storage\", \"id\": \"b\", \"name\": "
  "\"cinder\"},"
  "{\"endpoints\": [{\"region_id\": \"RegionOne\", \"url\": \"http://vol-one-pub/v3/p/\", "
  "\"region\": \"RegionOne\", \"interface\": \"public\", \"id\": \"4\"}, {\"region_id\": "
  "\"RegionOne\", \"url\": \"http://vol-one-int/v3/p\", \"region\": \"RegionOne\", "
  "\"interface\": \"internal\", \"id\": \"5\"}], \"type\": \"volumev3\", \"id\": \"c\", "
  "\"name\": \"cinderv3\"},"
  "{\"endpoints\": [{\"region_id\": \"RegionOne\", \"url\": \"http://nova-one/v2.1\", "
  "\"region\": \"RegionOne\", \"interface\": \"public\", \"id\": \"6\"}, {\"region_id\": "
  "\"RegionTwo\", \"url\": \"http://nova-two/v2.1\", \"region\": \"RegionTwo\", \"interface\": "
  "\"public\", \"id\": \"7\"}, {\"region_id\": \"RegionTwo\", \"url\": "
  "\"http://nova-two-admin/v2.1\", \"region\": \"RegionTwo\", \"interface\": \"admin\", "
  "\"id\": \"8\"}], \"type\": \"compute\", \"id\": \"d\", \"name\": \"nova\"}]}}";

static void
test_times (void)
{
  time_t t;

  CHECK (os_parse_time ("2015-11-07T02:58:43.578887Z", &t) == 0 && t == 1446865123);
  CHECK (os_parse_time ("2015-11-07T02:58:43Z", &t) == 0 && t == 1446865123);
  CHECK (os_parse_time ("2015-11-07T02:58:43", &t) == 0 && t == 1446865123);
  CHECK (os_parse_time ("2015-11-07T03:58:43+01:00", &t) == 0 && t == 1446865123);
  CHECK (os_parse_time ("2015-11-07T00:58:43.000000-02:00", &t) == 0 && t == 1446865123);
  CHECK (os_parse_time ("2015-11-07 02:58", &t) == -1);
  CHECK (os_parse_time ("2015-11-07T02:58:43Zjunk", &t) == -1);
  CHECK (os_parse_time ("", &t) == -1);
  CHECK (os_parse_time (NULL, &t) == -1);
}

static void
test_token (void)
{
  struct os_token_info ti;
  struct vmerr err = { 0 };

  CHECK (os_token_parse (token_reply, strlen (token_reply), &ti, &err) == 0);
  CHECK (ti.expires_at - ti.issued_at == 3600);
  CHECK_STR (ti.project_id, "a6944d763bf64ee6a275f1263fae0352");
  CHECK (ti.catalog != NULL && json_object_array_length (ti.catalog) == 4);
  os_token_info_free (&ti);

  /* Renewal margins: a fifth of the lifetime, at most two minutes. */
  CHECK (os_token_margin (3600) == 120);
  CHECK (os_token_margin (300) == 60);
  CHECK (os_token_margin (5) == 1);

  const char *no_expiry = "{\"token\": {\"issued_at\": \"2015-11-07T01:58:43Z\"}}";
  CHECK (os_token_parse (no_expiry, strlen (no_expiry), &ti, &err) == -1);
  CHECK_CONTAINS (err.msg, "expires_at");
  os_token_info_free (&ti);

  const char *not_token = "<html>proxy error</html>";
  CHECK (os_token_parse (not_token, strlen (not_token), &ti, &err) == -1);
  CHECK (err.code == VMERR_OPENSTACK);
  os_token_info_free (&ti);
}

static void
test_catalog (void)
{
  const char *const volume[] = { "volumev3", "block-storage", NULL };
  const char *const block_first[] = { "block-storage", "volumev3", NULL };
  const char *const compute[] = { "compute", NULL };
  struct os_token_info ti;
  struct vmerr err = { 0 };
  char *u;

  CHECK (os_token_parse (token_reply, strlen (token_reply), &ti, &err) == 0);

  /* volumev3 preferred, trailing slash dropped */
  u = os_catalog_endpoint (ti.catalog, volume, "RegionOne", "public", &err);
  CHECK_STR (u, "http://vol-one-pub/v3/p");
  free (u);
  u = os_catalog_endpoint (ti.catalog, volume, "RegionOne", "internal", &err);
  CHECK_STR (u, "http://vol-one-int/v3/p");
  free (u);
  /* The order of preference is the caller's. */
  u = os_catalog_endpoint (ti.catalog, block_first, "RegionOne", "public", &err);
  CHECK_STR (u, "http://bs-one/v3/p");
  free (u);
  /* RegionTwo has no volumev3: block-storage is taken. */
  u = os_catalog_endpoint (ti.catalog, volume, "RegionTwo", "public", &err);
  CHECK_STR (u, "http://bs-two/v3");
  free (u);
  u = os_catalog_endpoint (ti.catalog, compute, "RegionTwo", "public", &err);
  CHECK_STR (u, "http://nova-two/v2.1");
  free (u);
  u = os_catalog_endpoint (ti.catalog, compute, "RegionTwo", "admin", &err);
  CHECK_STR (u, "http://nova-two-admin/v2.1");
  free (u);
  /* No region given: the first endpoint of the interface. */
  u = os_catalog_endpoint (ti.catalog, compute, NULL, "public", &err);
  CHECK_STR (u, "http://nova-one/v2.1");
  free (u);

  /* Nothing fits: the message names what is there. */
  vmerr_clear (&err);
  u = os_catalog_endpoint (ti.catalog, volume, "RegionThree", "public", &err);
  CHECK (u == NULL);
  CHECK (err.code == VMERR_OPENSTACK);
  CHECK_CONTAINS (err.msg, "volumev3 or block-storage");
  CHECK_CONTAINS (err.msg, "region RegionThree");
  CHECK_CONTAINS (err.msg, "volumev3 public RegionOne");
  CHECK_CONTAINS (err.msg, "block-storage public RegionTwo");
  CHECK_CONTAINS (err.msg, "OS_REGION_NAME");
  u = os_catalog_endpoint (ti.catalog, compute, "RegionOne", "internal", &err);
  CHECK (u == NULL);
  CHECK_CONTAINS (err.msg, "interface 'internal'");
  os_token_info_free (&ti);
}

/* The login body, parsed back. */
static json_object *
login_body (const struct os_auth *a)
{
  char *text = os_auth_request_body (a);
  json_object *o = text ? json_tokener_parse (text) : NULL;

  free (text);
  return o;
}

/* A path of member names, for path_str. */
#define P(...) ((const char *[]) { __VA_ARGS__, NULL })

static const char *
path_str (json_object *o, const char *const *path)
{
  for (; *path; path++)
    if (!json_object_object_get_ex (o, *path, &o))
      return NULL;
  return json_object_get_string (o);
}

static void
test_login_body (void)
{
  struct os_auth a = {
    .method = OS_AUTH_PASSWORD, .username = "vm", .password = "pw\"quote",
    .user_domain_name = "Users", .project_name = "proj", .project_domain_id = "default",
  };
  json_object *o = login_body (&a);

  CHECK (o != NULL);
  CHECK_STR (path_str (o, P ("auth", "identity", "password", "user", "name")), "vm");
  CHECK_STR (path_str (o, P ("auth", "identity", "password", "user", "password")), "pw\"quote");
  CHECK_STR (path_str (o, P ("auth", "identity", "password", "user", "domain", "name")), "Users");
  CHECK_STR (path_str (o, P ("auth", "scope", "project", "name")), "proj");
  CHECK_STR (path_str (o, P ("auth", "scope", "project", "domain", "id")), "default");
  CHECK_CONTAINS (json_object_to_json_string_ext (o, JSON_C_TO_STRING_PLAIN),
                  "\"methods\":[\"password\"]");
  json_object_put (o);

  /* By ids: no domains needed. */
  struct os_auth b = { .method = OS_AUTH_PASSWORD, .user_id = "u1", .password = "p",
                       .project_id = "p1" };
  o = login_body (&b);
  CHECK_STR (path_str (o, P ("auth", "identity", "password", "user", "id")), "u1");
  CHECK (path_str (o, P ("auth", "identity", "password", "user", "domain")) == NULL);
  CHECK_STR (path_str (o, P ("auth", "scope", "project", "id")), "p1");
  json_object_put (o);

  /* Application credential: carries its own scope, no user when by id. */
  struct os_auth c = { .method = OS_AUTH_APPLICATION_CREDENTIAL, .app_cred_id = "ac1",
                       .app_cred_secret = "s3cret", .username = "ignored" };
  o = login_body (&c);
  CHECK_STR (path_str (o, P ("auth", "identity", "application_credential", "id")), "ac1");
  CHECK_STR (path_str (o, P ("auth", "identity", "application_credential", "secret")), "s3cret");
  CHECK (path_str (o, P ("auth", "identity", "application_credential", "user")) == NULL);
  CHECK (path_str (o, P ("auth", "scope")) == NULL);
  CHECK_CONTAINS (json_object_to_json_string_ext (o, JSON_C_TO_STRING_PLAIN),
                  "\"methods\":[\"application_credential\"]");
  json_object_put (o);

  /* By name the credential needs its user. */
  struct os_auth d = { .method = OS_AUTH_APPLICATION_CREDENTIAL, .app_cred_name = "mig",
                       .app_cred_secret = "s", .username = "vm", .user_domain_id = "default" };
  o = login_body (&d);
  CHECK_STR (path_str (o, P ("auth", "identity", "application_credential", "name")), "mig");
  CHECK_STR (path_str (o, P ("auth", "identity", "application_credential", "user", "name")), "vm");
  CHECK_STR (path_str (o, P ("auth", "identity", "application_credential", "user", "domain",
                             "id")), "default");
  json_object_put (o);
}

int
main (void)
{
  test_times ();
  test_token ();
  test_catalog ();
  test_login_body ();
  CHECK_DONE ();
}
