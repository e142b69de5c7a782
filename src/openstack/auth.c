/* The Keystone settings model: each setting's OS_* variable and
 * clouds.yaml key (one table, so both readers name a setting alike), the
 * checks and defaults every reader ends with, copy, hint and free.  The
 * readers (auth-env.c, clouds.c) build on this file; it knows neither. */
#include "auth.h"
#include "auth-settings.h"
#include "util.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define F(field) offsetof (struct os_auth, field)

const struct os_setting os_settings[] = {
  { "OS_AUTH_URL", "auth.auth_url", F (auth_url), false },
  { "OS_USERNAME", "auth.username", F (username), false },
  { "OS_USER_ID", "auth.user_id", F (user_id), false },
  { "OS_PASSWORD", "auth.password", F (password), true },
  { "OS_USER_DOMAIN_NAME", "auth.user_domain_name", F (user_domain_name), false },
  { "OS_USER_DOMAIN_ID", "auth.user_domain_id", F (user_domain_id), false },
  { "OS_PROJECT_NAME", "auth.project_name", F (project_name), false },
  { "OS_PROJECT_ID", "auth.project_id", F (project_id), false },
  { "OS_PROJECT_DOMAIN_NAME", "auth.project_domain_name", F (project_domain_name), false },
  { "OS_PROJECT_DOMAIN_ID", "auth.project_domain_id", F (project_domain_id), false },
  { "OS_APPLICATION_CREDENTIAL_ID", "auth.application_credential_id", F (app_cred_id), false },
  { "OS_APPLICATION_CREDENTIAL_NAME", "auth.application_credential_name", F (app_cred_name),
    false },
  { "OS_APPLICATION_CREDENTIAL_SECRET", "auth.application_credential_secret",
    F (app_cred_secret), true },
  { "OS_REGION_NAME", "region_name", F (region), false },
  { "OS_INTERFACE", "interface", F (interface), false },
  { "OS_CACERT", "cacert", F (cacert), false },
  { NULL, NULL, 0, false },
};

/* Settings that say who logs in (listed in the hint of a refused login). */
static const size_t identity_fields[] = {
  F (auth_url), F (username), F (user_id), F (password), F (user_domain_name),
  F (user_domain_id), F (project_name), F (project_id), F (project_domain_name),
  F (project_domain_id), F (app_cred_id), F (app_cred_name), F (app_cred_secret),
};

char **
os_auth_field (struct os_auth *a, size_t off)
{
  return (char **) (void *) ((char *) a + off);
}

static const struct os_setting *
setting_at (size_t off)
{
  for (const struct os_setting *s = os_settings; s->env; s++)
    if (s->off == off)
      return s;
  abort (); /* a field missing from the table is a programming error */
}

/* The variable or clouds.yaml key of a field, as the operator knows it. */
static const char *
name_of (const struct os_auth *a, size_t off)
{
  const struct os_setting *s = setting_at (off);
  return a->cloud ? s->key : s->env;
}

#define NONE ((size_t) -1)

/* VMERR_CONFIG: WHAT is missing; set field ONE (or TWO). */
static int
missing (const struct os_auth *a, struct vmerr *err, const char *what, size_t one, size_t two)
{
  const char *or = two != NONE ? " or " : "", *second = two != NONE ? name_of (a, two) : "";
  char alt[128] = "";

  if (a->cloud) {
    if (setting_at (one)->secret)
      snprintf (alt, sizeof alt, " (or to secure.yaml, or set %s)", setting_at (one)->env);
    return vmerr_set (err, VMERR_CONFIG, "cloud '%s' in %s has no %s: add %s%s%s to its "
                      "entry%s", a->cloud, a->cloud_file, what, name_of (a, one), or, second,
                      alt);
  }
  return vmerr_set (err, VMERR_CONFIG, "no OpenStack %s: set %s%s%s (or use --os-cloud NAME "
                    "with a clouds.yaml)", what, name_of (a, one), or, second);
}

static int
parse_auth_type (struct os_auth *a, const char *type, const char *name, struct vmerr *err)
{
  if (type == NULL)
    a->method = a->app_cred_secret && !a->password ? OS_AUTH_APPLICATION_CREDENTIAL
                                                   : OS_AUTH_PASSWORD;
  else if (strcmp (type, "password") == 0 || strcmp (type, "v3password") == 0)
    a->method = OS_AUTH_PASSWORD;
  else if (strcmp (type, "v3applicationcredential") == 0 ||
           strcmp (type, "applicationcredential") == 0 ||
           strcmp (type, "application_credential") == 0)
    a->method = OS_AUTH_APPLICATION_CREDENTIAL;
  else
    return vmerr_set (err, VMERR_CONFIG, "%s '%s' is not supported: use password or "
                      "v3applicationcredential", name, type);
  return 0;
}

/* Keystone v3 URL: trailing slashes dropped, /v3 appended when the URL
 * names the unversioned endpoint (clouds.yaml often does). */
static int
normalise_auth_url (struct os_auth *a, struct vmerr *err)
{
  size_t n = strlen (a->auth_url);
  char *u;

  while (n > 0 && a->auth_url[n - 1] == '/')
    a->auth_url[--n] = '\0';
  if (strncmp (a->auth_url, "http://", 7) != 0 && strncmp (a->auth_url, "https://", 8) != 0)
    return vmerr_set (err, VMERR_CONFIG, "%s '%s' is not an http:// or https:// URL",
                      name_of (a, F (auth_url)), a->auth_url);
  if (n >= 5 && strcmp (a->auth_url + n - 5, "/v2.0") == 0)
    return vmerr_set (err, VMERR_CONFIG, "%s names Keystone v2.0, which is gone: give the v3 "
                      "URL (ending in /v3)", name_of (a, F (auth_url)));
  if (n >= 3 && strcmp (a->auth_url + n - 3, "/v3") == 0)
    return 0;
  if (asprintf (&u, "%s/v3", a->auth_url) < 0)
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  free (a->auth_url);
  a->auth_url = u;
  return 0;
}

/* A domain by name or id; "default" (Keystone's Default domain) when neither. */
static int
default_domain (char **name, char **id)
{
  if (*name || *id)
    return 0;
  *id = strdup ("default");
  return *id ? 0 : -1;
}

static int
check_password (struct os_auth *a, struct vmerr *err)
{
  if (!a->username && !a->user_id)
    return missing (a, err, "user", F (username), F (user_id));
  if (!a->password)
    return missing (a, err, "password", F (password), NONE);
  if (!a->project_name && !a->project_id)
    return missing (a, err, "project (the one that will own the volumes)", F (project_name),
                    F (project_id));
  return 0;
}

static int
check_app_cred (struct os_auth *a, struct vmerr *err)
{
  if (!a->app_cred_id && !a->app_cred_name)
    return missing (a, err, "application credential", F (app_cred_id), F (app_cred_name));
  if (!a->app_cred_secret)
    return missing (a, err, "application credential secret", F (app_cred_secret), NONE);
  if (!a->app_cred_id && !a->username && !a->user_id)
    return missing (a, err, "user owning the application credential (needed with a credential "
                    "name)", F (username), F (user_id));
  return 0;
}

static int
normalise_interface (struct os_auth *a, struct vmerr *err)
{
  size_t n;

  if (a->interface == NULL && (a->interface = strdup ("public")) == NULL)
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  n = strlen (a->interface);
  if (n > 3 && strcmp (a->interface + n - 3, "URL") == 0) /* publicURL, the v2 spelling */
    a->interface[n - 3] = '\0';
  if (strcmp (a->interface, "public") != 0 && strcmp (a->interface, "internal") != 0 &&
      strcmp (a->interface, "admin") != 0)
    return vmerr_set (err, VMERR_CONFIG, "%s '%s' is not an endpoint interface: use public, "
                      "internal or admin", name_of (a, F (interface)), a->interface);
  return 0;
}

int
os_auth_finish (struct os_auth *a, const char *auth_type, const char *auth_type_name,
                struct vmerr *err)
{
  int rc;

  if (parse_auth_type (a, auth_type, auth_type_name, err) == -1)
    return -1;
  if (!a->auth_url)
    return missing (a, err, "Keystone URL (e.g. https://keystone.example.com:5000/v3)",
                    F (auth_url), NONE);
  rc = a->method == OS_AUTH_PASSWORD ? check_password (a, err) : check_app_cred (a, err);
  if (rc == -1 || normalise_auth_url (a, err) == -1 || normalise_interface (a, err) == -1)
    return -1;
  if ((a->username && default_domain (&a->user_domain_name, &a->user_domain_id) == -1) ||
      (a->project_name && default_domain (&a->project_domain_name, &a->project_domain_id) == -1))
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  return 0;
}

int
os_auth_copy (struct os_auth *dst, const struct os_auth *src)
{
  *dst = *src;
  dst->cloud = dst->cloud_file = NULL;
  for (const struct os_setting *s = os_settings; s->env; s++)
    *os_auth_field (dst, s->off) = NULL;
  for (const struct os_setting *s = os_settings; s->env; s++) {
    const char *v = *os_auth_field ((struct os_auth *) src, s->off);
    if (v && (*os_auth_field (dst, s->off) = strdup (v)) == NULL)
      goto fail;
  }
  if ((src->cloud && (dst->cloud = strdup (src->cloud)) == NULL) ||
      (src->cloud_file && (dst->cloud_file = strdup (src->cloud_file)) == NULL))
    goto fail;
  return 0;
fail:
  os_auth_free (dst);
  return -1;
}

void
os_auth_hint (const struct os_auth *a, char *buf, size_t n)
{
  size_t len;

  snprintf (buf, n, "check ");
  for (size_t i = 0; i < sizeof identity_fields / sizeof identity_fields[0]; i++) {
    if (*os_auth_field ((struct os_auth *) a, identity_fields[i]) == NULL)
      continue;
    len = strlen (buf);
    snprintf (buf + len, n - len, "%s%s", len > 6 ? ", " : "", name_of (a, identity_fields[i]));
  }
  len = strlen (buf);
  if (a->cloud)
    snprintf (buf + len, n - len, " of cloud '%s' in %s", a->cloud, a->cloud_file);
  len = strlen (buf);
  if (a->method == OS_AUTH_APPLICATION_CREDENTIAL)
    snprintf (buf + len, n - len, " (and that the application credential has not expired)");
  else if ((a->user_domain_id && strcmp (a->user_domain_id, "default") == 0) ||
           (a->project_domain_id && strcmp (a->project_domain_id, "default") == 0))
    snprintf (buf + len, n - len, " (a user or project domain that is not given means the "
              "'default' domain)");
}

void
os_auth_free (struct os_auth *a)
{
  for (const struct os_setting *s = os_settings; s->env; s++) {
    char **f = os_auth_field (a, s->off);
    if (s->secret)
      os_free_secret (*f);
    else
      free (*f);
  }
  free (a->cloud);
  free (a->cloud_file);
  memset (a, 0, sizeof *a);
}
