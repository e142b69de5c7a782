/* Keystone settings from the OS_* environment and from clouds.yaml (+
 * secure.yaml): values, defaults, normalisation, and errors that name the
 * variable or key to set without ever showing a secret. */
#include "check-text.h"
#include "auth-env.h"
#include "clouds.h"
#include "auth-load.h"

#include <stdlib.h>
#include <unistd.h>

static const char *const os_vars[] = {
  "OS_AUTH_URL", "OS_USERNAME", "OS_USER_ID", "OS_PASSWORD", "OS_USER_DOMAIN_NAME",
  "OS_USER_DOMAIN_ID", "OS_PROJECT_NAME", "OS_PROJECT_ID", "OS_PROJECT_DOMAIN_NAME",
  "OS_PROJECT_DOMAIN_ID", "OS_APPLICATION_CREDENTIAL_ID", "OS_APPLICATION_CREDENTIAL_NAME",
  "OS_APPLICATION_CREDENTIAL_SECRET", "OS_REGION_NAME", "OS_INTERFACE", "OS_CACERT",
  "OS_INSECURE", "OS_AUTH_TYPE", "OS_CLOUD", "OS_CLIENT_CONFIG_FILE", "OS_CLIENT_SECURE_FILE",
  NULL,
};

static char dir[] = "/tmp/test-auth.XXXXXX";
static struct vmerr err;

static void
clear_env (void)
{
  for (const char *const *v = os_vars; *v; v++)
    unsetenv (*v);
}

static void
openrc (void)
{
  clear_env ();
  setenv ("OS_AUTH_URL", "https://keystone.example.com:5000/", 1);
  setenv ("OS_USERNAME", "migrator", 1);
  setenv ("OS_PASSWORD", "Sup3r-Secret", 1);
  setenv ("OS_PROJECT_NAME", "tenant1", 1);
}

/* Load from the environment expecting failure; the message is in err. */
static void
env_fails (void)
{
  struct os_auth a;

  vmerr_clear (&err);
  CHECK (os_auth_from_env (&a, &err) == -1);
  CHECK (err.code == VMERR_CONFIG);
  CHECK_LACKS (err.msg, "Sup3r-Secret");
  os_auth_free (&a);
}

static void
test_env (void)
{
  struct os_auth a, copy;
  char hint[1024];

  openrc ();
  CHECK (os_auth_from_env (&a, &err) == 0);
  CHECK (a.method == OS_AUTH_PASSWORD);
  CHECK_STR (a.auth_url, "https://keystone.example.com:5000/v3");
  CHECK_STR (a.username, "migrator");
  CHECK_STR (a.password, "Sup3r-Secret");
  CHECK_STR (a.user_domain_id, "default");    /* like the openstack client's default */
  CHECK_STR (a.project_domain_id, "default");
  CHECK_STR (a.interface, "public");
  CHECK (a.region == NULL && !a.insecure && a.cloud == NULL);
  os_auth_hint (&a, hint, sizeof hint);
  CHECK_CONTAINS (hint, "OS_PASSWORD");
  CHECK_CONTAINS (hint, "OS_USERNAME");
  CHECK_CONTAINS (hint, "'default' domain");
  CHECK_LACKS (hint, "Sup3r-Secret");
  CHECK (os_auth_copy (&copy, &a) == 0);
  CHECK_STR (copy.password, "Sup3r-Secret");
  CHECK (copy.password != a.password);
  os_auth_free (&copy);
  os_auth_free (&a);
  CHECK (a.password == NULL);

  setenv ("OS_INTERFACE", "internalURL", 1);
  setenv ("OS_REGION_NAME", "RegionTwo", 1);
  setenv ("OS_INSECURE", "True", 1);
  setenv ("OS_USER_DOMAIN_NAME", "Users", 1);
  setenv ("OS_AUTH_URL", "http://k/identity/v3", 1);
  CHECK (os_auth_from_env (&a, &err) == 0);
  CHECK_STR (a.interface, "internal");
  CHECK_STR (a.region, "RegionTwo");
  CHECK_STR (a.auth_url, "http://k/identity/v3");
  CHECK_STR (a.user_domain_name, "Users");
  CHECK (a.user_domain_id == NULL);
  CHECK (a.insecure);
  os_auth_free (&a);

  /* Each missing setting is named. */
  openrc ();
  unsetenv ("OS_PASSWORD");
  env_fails ();
  CHECK_CONTAINS (err.msg, "set OS_PASSWORD");
  openrc ();
  unsetenv ("OS_AUTH_URL");
  env_fails ();
  CHECK_CONTAINS (err.msg, "set OS_AUTH_URL");
  openrc ();
  unsetenv ("OS_PROJECT_NAME");
  env_fails ();
  CHECK_CONTAINS (err.msg, "OS_PROJECT_NAME or OS_PROJECT_ID");
  openrc ();
  unsetenv ("OS_USERNAME");
  env_fails ();
  CHECK_CONTAINS (err.msg, "OS_USERNAME or OS_USER_ID");
  openrc ();
  setenv ("OS_INTERFACE", "private", 1);
  env_fails ();
  CHECK_CONTAINS (err.msg, "OS_INTERFACE 'private'");
  openrc ();
  setenv ("OS_AUTH_TYPE", "token", 1);
  env_fails ();
  CHECK_CONTAINS (err.msg, "OS_AUTH_TYPE 'token'");
  openrc ();
  setenv ("OS_AUTH_URL", "https://k:5000/v2.0", 1);
  env_fails ();
  CHECK_CONTAINS (err.msg, "v2.0");
  openrc ();
  setenv ("OS_AUTH_URL", "keystone:5000", 1);
  env_fails ();
  CHECK_CONTAINS (err.msg, "not an http");
}

static void
test_env_app_cred (void)
{
  struct os_auth a;
  char hint[1024];

  clear_env ();
  setenv ("OS_AUTH_URL", "https://k/v3", 1);
  setenv ("OS_AUTH_TYPE", "v3applicationcredential", 1);
  setenv ("OS_APPLICATION_CREDENTIAL_ID", "ac-id", 1);
  setenv ("OS_APPLICATION_CREDENTIAL_SECRET", "ac-Secret", 1);
  CHECK (os_auth_from_env (&a, &err) == 0);
  CHECK (a.method == OS_AUTH_APPLICATION_CREDENTIAL);
  CHECK_STR (a.app_cred_id, "ac-id");
  os_auth_hint (&a, hint, sizeof hint);
  CHECK_CONTAINS (hint, "OS_APPLICATION_CREDENTIAL_ID");
  CHECK_CONTAINS (hint, "expired");
  CHECK_LACKS (hint, "ac-Secret");
  os_auth_free (&a);

  /* Without OS_AUTH_TYPE a lone secret means an application credential. */
  unsetenv ("OS_AUTH_TYPE");
  CHECK (os_auth_from_env (&a, &err) == 0);
  CHECK (a.method == OS_AUTH_APPLICATION_CREDENTIAL);
  os_auth_free (&a);

  setenv ("OS_AUTH_TYPE", "v3applicationcredential", 1);
  unsetenv ("OS_APPLICATION_CREDENTIAL_SECRET");
  env_fails ();
  CHECK_CONTAINS (err.msg, "OS_APPLICATION_CREDENTIAL_SECRET");
}

static char *
write_file (const char *name, const char *text)
{
  char *path;
  FILE *f;

  if (asprintf (&path, "%s/%s", dir, name) < 0)
    abort ();
  f = fopen (path, "w");
  fputs (text, f);
  fclose (f);
  return path;
}

static const char clouds_yaml[] =
  "# as written by hand, with anchors and a merge key\n"
  "common: &common\n"
  "  identity_api_version: 3\n"
  "  interface: internal\n"
  "clouds:\n"
  "  prod:\n"
  "    <<: *common\n"
  "    auth:\n"
  "      auth_url: https://keystone.prod:5000\n"
  "      username: \"migrator\"\n"
  "      user_domain_name: Users\n"
  "      project_id: 0123abcd\n"
  "    regions:\n"
  "      - name: RegionTwo\n"
  "      - RegionThree\n"
  "    cacert: /etc/ssl/prod-ca.pem\n"
  "  lab:\n"
  "    auth_type: v3applicationcredential\n"
  "    auth:\n"
  "      auth_url: http://127.0.0.1:5000/identity/v3\n"
  "      application_credential_id: ac1\n"
  "      application_credential_secret: 'ac-Secret'\n"
  "    region_name: RegionOne\n"
  "    verify: false\n";

static const char secure_yaml[] =
  "clouds:\n"
  "  prod:\n"
  "    auth:\n"
  "      password: Pr0d-Secret\n";

static void
test_clouds (void)
{
  char *clouds = write_file ("clouds.yaml", clouds_yaml);
  char *secure = write_file ("secure.yaml", secure_yaml);
  char *bad = write_file ("bad.yaml", "clouds:\n  prod:\n    auth: [unclosed\n");
  struct os_auth a;
  char hint[1024];

  clear_env ();
  CHECK (os_auth_from_clouds_file (&a, clouds, secure, "prod", &err) == 0);
  CHECK (a.method == OS_AUTH_PASSWORD);
  CHECK_STR (a.auth_url, "https://keystone.prod:5000/v3");
  CHECK_STR (a.username, "migrator");
  CHECK_STR (a.password, "Pr0d-Secret");          /* from secure.yaml */
  CHECK_STR (a.user_domain_name, "Users");
  CHECK_STR (a.project_id, "0123abcd");
  CHECK (a.project_domain_id == NULL);            /* by id: no domain needed */
  CHECK_STR (a.interface, "internal");            /* through the merge key */
  CHECK_STR (a.region, "RegionTwo");              /* first of regions */
  CHECK_STR (a.cacert, "/etc/ssl/prod-ca.pem");
  CHECK (!a.insecure);
  CHECK_STR (a.cloud, "prod");
  os_auth_hint (&a, hint, sizeof hint);
  CHECK_CONTAINS (hint, "auth.password");
  CHECK_CONTAINS (hint, "of cloud 'prod' in");
  CHECK_LACKS (hint, "Pr0d-Secret");
  os_auth_free (&a);

  CHECK (os_auth_from_clouds_file (&a, clouds, NULL, "lab", &err) == 0);
  CHECK (a.method == OS_AUTH_APPLICATION_CREDENTIAL);
  CHECK_STR (a.app_cred_id, "ac1");
  CHECK_STR (a.app_cred_secret, "ac-Secret");
  CHECK_STR (a.region, "RegionOne");
  CHECK_STR (a.auth_url, "http://127.0.0.1:5000/identity/v3");
  CHECK (a.insecure);
  os_auth_free (&a);

  /* No password anywhere: the key, secure.yaml and OS_PASSWORD are named. */
  CHECK (os_auth_from_clouds_file (&a, clouds, NULL, "prod", &err) == -1);
  CHECK (err.code == VMERR_CONFIG);
  CHECK_CONTAINS (err.msg, "cloud 'prod'");
  CHECK_CONTAINS (err.msg, "auth.password");
  CHECK_CONTAINS (err.msg, "secure.yaml");
  CHECK_CONTAINS (err.msg, "OS_PASSWORD");
  os_auth_free (&a);
  /* ... and the environment fills a missing secret. */
  setenv ("OS_PASSWORD", "Env-Secret", 1);
  CHECK (os_auth_from_clouds_file (&a, clouds, NULL, "prod", &err) == 0);
  CHECK_STR (a.password, "Env-Secret");
  os_auth_free (&a);
  /* ... but never overrides the file. */
  CHECK (os_auth_from_clouds_file (&a, clouds, secure, "prod", &err) == 0);
  CHECK_STR (a.password, "Pr0d-Secret");
  os_auth_free (&a);
  unsetenv ("OS_PASSWORD");

  CHECK (os_auth_from_clouds_file (&a, clouds, NULL, "staging", &err) == -1);
  CHECK_CONTAINS (err.msg, "cloud 'staging' is not in");
  CHECK_CONTAINS (err.msg, "it has: prod, lab");
  os_auth_free (&a);

  CHECK (os_auth_from_clouds_file (&a, bad, NULL, "prod", &err) == -1);
  CHECK (err.code == VMERR_CONFIG);
  CHECK_CONTAINS (err.msg, "bad.yaml:");
  CHECK_CONTAINS (err.msg, "not valid YAML");
  os_auth_free (&a);

  /* The search path: OS_CLIENT_CONFIG_FILE and OS_CLIENT_SECURE_FILE. */
  setenv ("OS_CLIENT_CONFIG_FILE", clouds, 1);
  setenv ("OS_CLIENT_SECURE_FILE", secure, 1);
  CHECK (os_auth_load (&a, "prod", &err) == 0);
  CHECK_STR (a.password, "Pr0d-Secret");
  CHECK_STR (a.cloud_file, clouds);
  os_auth_free (&a);
  /* No cloud name: the environment, which is empty here. */
  CHECK (os_auth_load (&a, "", &err) == -1);
  CHECK_CONTAINS (err.msg, "OS_AUTH_URL");
  os_auth_free (&a);
  /* ./clouds.yaml is found from the working directory. */
  unsetenv ("OS_CLIENT_CONFIG_FILE");
  unsetenv ("OS_CLIENT_SECURE_FILE");
  setenv ("HOME", dir, 1);
  CHECK (chdir (dir) == 0);
  CHECK (os_auth_from_cloud (&a, "lab", &err) == 0);
  CHECK_STR (a.cloud_file, "./clouds.yaml");
  os_auth_free (&a);
  unlink (clouds);
  if (access ("/etc/openstack/clouds.yaml", F_OK) != 0) {
    CHECK (os_auth_from_cloud (&a, "lab", &err) == -1);
    CHECK_CONTAINS (err.msg, "no clouds.yaml found");
    CHECK_CONTAINS (err.msg, "/.config/openstack/clouds.yaml");
    os_auth_free (&a);
  }
  unlink (secure);
  unlink (bad);
  free (clouds);
  free (secure);
  free (bad);
}

int
main (void)
{
  if (mkdtemp (dir) == NULL)
    return 2;
  test_env ();
  test_env_app_cred ();
  test_clouds ();
  rmdir (dir);
  CHECK_DONE ();
}
