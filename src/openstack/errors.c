/* Error replies of Keystone, Cinder and Nova turned into messages. */
#include "conn.h"
#include "util.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const char *const service_names[] = { "Keystone", "Cinder", "Nova", "Neutron" };

/* Printable start of a non-JSON body: whitespace collapsed, HTML tags
 * dropped, at most N-1 bytes. */
static void
plain_text (const char *body, size_t len, char *buf, size_t n)
{
  size_t o = 0;
  bool tag = false, space = true;

  for (size_t i = 0; i < len && o + 1 < n; i++) {
    unsigned char ch = (unsigned char) body[i];
    if (ch == '<')
      tag = true;
    else if (ch == '>' && tag)
      tag = false;
    else if (!tag && (isspace (ch) || !isprint (ch))) {
      if (!space)
        buf[o++] = ' ';
      space = true;
    }
    else if (!tag) {
      buf[o++] = (char) ch;
      space = false;
    }
  }
  while (o > 0 && buf[o - 1] == ' ')
    o--;
  buf[o] = '\0';
}

void
os_error_text (const char *body, size_t len, char *buf, size_t n)
{
  json_object *root = osj_parse (body, len);

  buf[0] = '\0';
  if (root && json_object_is_type (root, json_type_object)) {
    const char *msg = osj_str (root, "message");
    if (msg)
      snprintf (buf, n, "%s", msg);
    /* {"itemNotFound": {"code": 404, "message": ...}} (Cinder, Nova),
     * {"error": {"code": 401, "title": ..., "message": ...}} (Keystone) or
     * {"NeutronError": {"type": "MacAddressInUse", "message": ...}} */
    json_object_object_foreach (root, key, val) {
      const char *m = osj_str (val, "message"), *title = osj_str (val, "title");
      const char *type = osj_str (val, "type");
      if (buf[0] || m == NULL)
        continue;
      snprintf (buf, n, "%s: %s", title ? title : type ? type : key, m);
    }
  }
  json_object_put (root);
  if (buf[0] == '\0')
    plain_text (body ? body : "", body ? len : 0, buf, n);
  if (buf[0] == '\0')
    snprintf (buf, n, "no details in the reply");
}

/* Cinder and Nova answer an exceeded quota with 413 overLimit (429 is
 * rate limiting, retried by http.c). */
static bool
is_quota (long status, const char *text)
{
  if (status == 413)
    return true;
  return status >= 400 && status < 500 && status != 429 &&
         (strstr (text, "overLimit") || strstr (text, "quota") || strstr (text, "Quota"));
}

int
os_http_error (struct vmerr *err, enum os_service svc, const char *what, long status,
               const char *body, size_t len)
{
  const char *name = service_names[svc];
  char text[1024];

  os_error_text (body, len, text, sizeof text);
  if (is_quota (status, text))
    return vmerr_set (err, VMERR_OPENSTACK, "%s %s: quota exceeded (HTTP %ld %s): delete "
                      "volumes or snapshots that are no longer needed, or ask the cloud "
                      "administrator to raise the project's quota (see 'openstack quota show')",
                      name, what, status, text);
  switch (status) {
  case 401:
    return vmerr_set (err, VMERR_AUTH, "%s %s: HTTP 401 (%s): the token was refused; check "
                      "that the user has a role in the project", name, what, text);
  case 403:
    return vmerr_set (err, VMERR_OPENSTACK, "%s %s: HTTP 403 (%s): not allowed; check the "
                      "user's roles in the project", name, what, text);
  case 429:
    return vmerr_set (err, VMERR_OPENSTACK, "%s %s: HTTP 429 (%s): still rate-limited after "
                      "several retries; try again later", name, what, text);
  default:
    return vmerr_set (err, VMERR_OPENSTACK, "%s %s: HTTP %ld (%s)%s", name, what, status, text,
                      status >= 500 ? ": the service failed; its logs tell why" : "");
  }
}
