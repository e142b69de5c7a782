/* The metadata service: which Nova server this host is. */
#include "metadata.h"
#include "util.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
os_instance_uuid (const char *base_url, const struct http_opts *http, long timeout_s,
                  char **uuid, struct vmerr *err)
{
  struct http_opts opts = http ? *http : (struct http_opts) { 0 };
  struct http_client *h;
  struct http_response r;
  const char *base = base_url ? base_url : OS_METADATA_DEFAULT_URL;
  char *url = NULL;
  json_object *doc = NULL;
  int rc = -1;

  *uuid = NULL;
  opts.timeout_s = timeout_s > 0 ? timeout_s : 1;
  opts.retries = 1;
  if (asprintf (&url, "%s%sopenstack/latest/meta_data.json", base,
                base[0] && base[strlen (base) - 1] == '/' ? "" : "/") < 0)
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  if ((h = http_new (&opts, err)) == NULL)
    goto out;
  if (http_request (h, "GET", url, NULL, NULL, 0, HTTP_IDEMPOTENT, &r, err) == 0) {
    doc = r.status == 200 ? osj_parse (r.body, r.len) : NULL;
    *uuid = osj_dup (doc, "uuid");
    if (*uuid == NULL)
      vmerr_set (err, VMERR_OPENSTACK, "%s answered HTTP %ld without an instance uuid", url,
                 r.status);
    else
      rc = 0;
    http_response_free (&r);
  }
  if (rc == -1) {
    if (err->code == VMERR_FAILED)
      err->code = VMERR_OPENSTACK;
    vmerr_prefix (err, "cannot learn this host's instance uuid from the metadata service: ");
    size_t n = strlen (err->msg);
    snprintf (err->msg + n, sizeof err->msg - n, " (give the conversion host's server uuid "
              "with --conversion-host UUID)");
  }
  else
    log_debug ("metadata service: this host is instance %s", *uuid);
  json_object_put (doc);
  http_free (h);
out:
  free (url);
  return rc;
}
