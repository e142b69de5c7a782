/* clouds.yaml (and secure.yaml) as the openstack client reads them.
 * libyaml's event parser builds a json-c tree (every scalar a string),
 * so the entry is read with the same helpers as the API replies. */
#include "clouds.h"
#include "auth-settings.h"
#include "parse-bool.h"
#include "util.h"
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#define MAX_DEPTH 64

struct yaml_ctx {
  yaml_parser_t parser;   /* libyaml event parser over the file */
  json_object *anchors;   /* anchor name -> node, for aliases */
  const char *file;       /* for messages */
  struct vmerr *err;
};

static int
next_event (struct yaml_ctx *y, yaml_event_t *ev)
{
  if (yaml_parser_parse (&y->parser, ev))
    return 0;
  return vmerr_set (y->err, VMERR_CONFIG, "%s:%zu: not valid YAML: %s", y->file,
                    y->parser.problem_mark.line + 1,
                    y->parser.problem ? y->parser.problem : "parse error");
}

static json_object *parse_node (struct yaml_ctx *y, yaml_event_t *ev, int depth);

/* Members of a mapping up to its end; "<<" merge keys are honoured. */
static int
parse_mapping (struct yaml_ctx *y, json_object *map, int depth)
{
  for (;;) {
    yaml_event_t kev, vev;
    json_object *val;
    char *key;

    if (next_event (y, &kev) == -1)
      return -1;
    if (kev.type == YAML_MAPPING_END_EVENT) {
      yaml_event_delete (&kev);
      return 0;
    }
    if (kev.type != YAML_SCALAR_EVENT) {
      size_t line = kev.start_mark.line + 1;
      yaml_event_delete (&kev);
      return vmerr_set (y->err, VMERR_CONFIG, "%s:%zu: only plain keys are supported",
                        y->file, line);
    }
    key = strdup ((const char *) kev.data.scalar.value);
    yaml_event_delete (&kev);
    if (key == NULL)
      return vmerr_set (y->err, VMERR_FAILED, "out of memory");
    if (next_event (y, &vev) == -1) {
      free (key);
      return -1;
    }
    val = parse_node (y, &vev, depth + 1);
    if (val == NULL) {
      free (key);
      return -1;
    }
    if (strcmp (key, "<<") == 0 && json_object_is_type (val, json_type_object)) {
      json_object_object_foreach (val, k, v)
        if (!json_object_object_get_ex (map, k, NULL))
          json_object_object_add (map, k, json_object_get (v));
      json_object_put (val);
    }
    else
      json_object_object_add (map, key, val);
    free (key);
  }
}

static int
parse_sequence (struct yaml_ctx *y, json_object *arr, int depth)
{
  for (;;) {
    yaml_event_t ev;
    json_object *val;

    if (next_event (y, &ev) == -1)
      return -1;
    if (ev.type == YAML_SEQUENCE_END_EVENT) {
      yaml_event_delete (&ev);
      return 0;
    }
    val = parse_node (y, &ev, depth + 1);
    if (val == NULL)
      return -1;
    json_object_array_add (arr, val);
  }
}

/* The node that starts with EV (consumed): a string, array or object. */
static json_object *
parse_node (struct yaml_ctx *y, yaml_event_t *ev, int depth)
{
  json_object *node = NULL, *target;
  const yaml_char_t *anchor = NULL;
  size_t line = ev->start_mark.line + 1;
  int rc = 0;

  if (depth > MAX_DEPTH) {
    vmerr_set (y->err, VMERR_CONFIG, "%s:%zu: nested too deeply", y->file, line);
    goto out;
  }
  switch (ev->type) {
  case YAML_SCALAR_EVENT:
    node = json_object_new_string_len ((const char *) ev->data.scalar.value,
                                       (int) ev->data.scalar.length);
    anchor = ev->data.scalar.anchor;
    break;
  case YAML_ALIAS_EVENT:
    if (json_object_object_get_ex (y->anchors, (const char *) ev->data.alias.anchor, &target))
      node = json_object_get (target);
    else
      vmerr_set (y->err, VMERR_CONFIG, "%s:%zu: unknown alias *%s", y->file, line,
                 ev->data.alias.anchor);
    goto out;
  case YAML_MAPPING_START_EVENT:
    node = json_object_new_object ();
    anchor = ev->data.mapping_start.anchor;
    rc = node ? parse_mapping (y, node, depth) : 0;
    break;
  case YAML_SEQUENCE_START_EVENT:
    node = json_object_new_array ();
    anchor = ev->data.sequence_start.anchor;
    rc = node ? parse_sequence (y, node, depth) : 0;
    break;
  default:
    vmerr_set (y->err, VMERR_CONFIG, "%s:%zu: unexpected YAML event", y->file, line);
    goto out;
  }
  if (node == NULL && rc == 0)
    vmerr_set (y->err, VMERR_FAILED, "out of memory reading %s", y->file);
  if (rc == -1) {
    json_object_put (node);
    node = NULL;
  }
  if (node && anchor)
    json_object_object_add (y->anchors, (const char *) anchor, json_object_get (node));
out:
  yaml_event_delete (ev);
  return node;
}

/* The whole file as a json-c tree; an empty file is an empty object. */
static json_object *
read_yaml (const char *file, struct vmerr *err)
{
  struct yaml_ctx y = { .file = file, .err = err };
  yaml_event_t ev;
  json_object *root = NULL;
  FILE *f = fopen (file, "rb");

  if (f == NULL) {
    vmerr_set (err, VMERR_CONFIG, "cannot read %s: %s", file, strerror (errno));
    return NULL;
  }
  if (!yaml_parser_initialize (&y.parser) || (y.anchors = json_object_new_object ()) == NULL) {
    vmerr_set (err, VMERR_FAILED, "out of memory reading %s", file);
    goto out;
  }
  yaml_parser_set_input_file (&y.parser, f);
  /* STREAM-START, then DOCUMENT-START or STREAM-END (empty file). */
  for (yaml_event_type_t type = YAML_NO_EVENT; type != YAML_DOCUMENT_START_EVENT;) {
    if (next_event (&y, &ev) == -1)
      goto out;
    type = ev.type;
    yaml_event_delete (&ev);
    if (type == YAML_STREAM_END_EVENT) {
      root = json_object_new_object ();
      goto out;
    }
  }
  if (next_event (&y, &ev) == -1)
    goto out;
  root = parse_node (&y, &ev, 0);
  if (root && !json_object_is_type (root, json_type_object)) {
    json_object_put (root);
    root = NULL;
    vmerr_set (err, VMERR_CONFIG, "%s: expected a mapping with a 'clouds' key", file);
  }
out:
  json_object_put (y.anchors);
  yaml_parser_delete (&y.parser);
  fclose (f);
  return root;
}

/* Copy of SRC's members into DST, recursively for objects (SRC wins). */
static void
merge_into (json_object *dst, json_object *src)
{
  json_object_object_foreach (src, k, v) {
    json_object *d;
    if (json_object_is_type (v, json_type_object) && json_object_object_get_ex (dst, k, &d) &&
        json_object_is_type (d, json_type_object))
      merge_into (d, v);
    else
      json_object_object_add (dst, k, json_object_get (v));
  }
}

/* Value at a dotted PATH ("auth.password") of ENTRY, as a string. */
static const char *
lookup (json_object *entry, const char *path)
{
  const char *dot = strchr (path, '.');
  char part[64];

  if (dot == NULL)
    return osj_str (entry, path);
  snprintf (part, sizeof part, "%.*s", (int) (dot - path), path);
  return lookup (osj_get (entry, part, json_type_object), dot + 1);
}

/* The region: region_name, else the first of a one-entry regions list. */
static const char *
entry_region (json_object *entry)
{
  json_object *regions = osj_get (entry, "regions", json_type_array), *r;

  if (osj_str (entry, "region_name") || regions == NULL || json_object_array_length (regions) == 0)
    return osj_str (entry, "region_name");
  r = json_object_array_get_idx (regions, 0);
  return json_object_is_type (r, json_type_string) ? json_object_get_string (r)
                                                   : osj_str (r, "name");
}

/* Names of the clouds in ROOT, for "it has: ..." (malloc'd). */
static char *
cloud_names (json_object *clouds)
{
  char *out = strdup ("");

  json_object_object_foreach (clouds, name, v) {
    char *n;
    (void) v;
    if (out == NULL || asprintf (&n, "%s%s%s", out, *out ? ", " : "", name) < 0) {
      free (out);
      return NULL;
    }
    free (out);
    out = n;
  }
  return out;
}

static int
fill_from_entry (struct os_auth *a, json_object *entry, struct vmerr *err)
{
  const char *v;

  for (const struct os_setting *s = os_settings; s->env; s++) {
    v = strcmp (s->key, "region_name") == 0 ? entry_region (entry) : lookup (entry, s->key);
    if (v && *v && (*os_auth_field (a, s->off) = strdup (v)) == NULL)
      return vmerr_set (err, VMERR_FAILED, "out of memory");
  }
  /* Secrets may be kept out of the files, in the environment. */
  for (const struct os_setting *s = os_settings; s->env; s++) {
    char **f = os_auth_field (a, s->off);
    v = getenv (s->env);
    if (s->secret && *f == NULL && v && *v && (*f = strdup (v)) == NULL)
      return vmerr_set (err, VMERR_FAILED, "out of memory");
  }
  a->insecure = parse_bool (osj_str (entry, "verify")) == 0;
  if (osj_str (entry, "profile") && !a->auth_url)
    return vmerr_set (err, VMERR_CONFIG, "cloud '%s' in %s uses a vendor profile, which is not "
                      "supported: give auth.auth_url in the entry", a->cloud, a->cloud_file);
  return os_auth_finish (a, osj_str (entry, "auth_type"), "auth_type", err);
}

int
os_auth_from_clouds_file (struct os_auth *a, const char *clouds_file, const char *secure_file,
                          const char *cloud, struct vmerr *err)
{
  json_object *root = NULL, *secure = NULL, *clouds, *entry, *sentry;
  char *names;
  int rc = -1;

  memset (a, 0, sizeof *a);
  if ((a->cloud = strdup (cloud)) == NULL || (a->cloud_file = strdup (clouds_file)) == NULL)
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  root = read_yaml (clouds_file, err);
  if (root == NULL || (secure_file && (secure = read_yaml (secure_file, err)) == NULL))
    goto out;
  clouds = osj_get (root, "clouds", json_type_object);
  entry = osj_get (clouds, cloud, json_type_object);
  if (entry == NULL) {
    names = clouds ? cloud_names (clouds) : NULL;
    vmerr_set (err, VMERR_CONFIG, "cloud '%s' is not in %s (%s%s)", cloud, clouds_file,
               names && *names ? "it has: " : "it has no clouds", names && *names ? names : "");
    free (names);
    goto out;
  }
  sentry = osj_get (osj_get (secure, "clouds", json_type_object), cloud, json_type_object);
  if (sentry) {
    log_debug ("merging cloud '%s' from %s", cloud, secure_file);
    merge_into (entry, sentry);
  }
  rc = fill_from_entry (a, entry, err);
out:
  json_object_put (root);
  json_object_put (secure);
  return rc;
}

/* First existing file NAME.yaml / NAME.yml in the openstack client's
 * search path, after the file named by ENV_VAR (malloc'd, or NULL). */
static char *
find_config (const char *env_var, const char *name, char *looked, size_t n)
{
  const char *home = getenv ("HOME"), *env = getenv (env_var);
  const char *dirs[] = { ".", "~/.config/openstack", "/etc/openstack" };
  char path[4096];

  snprintf (looked, n, "%s%s", env && *env ? env : "", env && *env ? ", " : "");
  if (env && *env && access (env, R_OK) == 0)
    return strdup (env);
  for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
    for (int yml = 0; yml < 2; yml++) {
      if (dirs[i][0] == '~' && home == NULL)
        continue;
      snprintf (path, sizeof path, "%s%s/%s.%s", dirs[i][0] == '~' ? home : "",
                dirs[i] + (dirs[i][0] == '~'), name, yml ? "yml" : "yaml");
      if (!yml) {
        size_t len = strlen (looked);
        snprintf (looked + len, n - len, "%s%s", i ? ", " : "", path);
      }
      if (access (path, R_OK) == 0)
        return strdup (path);
    }
  return NULL;
}

int
os_auth_from_cloud (struct os_auth *a, const char *cloud, struct vmerr *err)
{
  char looked[2048], ignored[2048];
  char *clouds = find_config ("OS_CLIENT_CONFIG_FILE", "clouds", looked, sizeof looked);
  char *secure = find_config ("OS_CLIENT_SECURE_FILE", "secure", ignored, sizeof ignored);
  int rc;

  memset (a, 0, sizeof *a);
  if (clouds == NULL)
    rc = vmerr_set (err, VMERR_CONFIG, "--os-cloud %s: no clouds.yaml found (looked for %s; "
                    "set OS_CLIENT_CONFIG_FILE to name one)", cloud, looked);
  else
    rc = os_auth_from_clouds_file (a, clouds, secure, cloud, err);
  free (clouds);
  free (secure);
  return rc;
}
