/* Error replies of Keystone, Cinder and Nova (recorded bodies) become
 * messages with the HTTP status, the service's own words, the right exit
 * code and, for quotas, what to do. */
#include "check-text.h"
#include "conn.h"

static struct vmerr err;

static int
classify (enum os_service svc, const char *what, long status, const char *body)
{
  vmerr_clear (&err);
  return os_http_error (&err, svc, what, status, body, strlen (body));
}

static void
test_text (void)
{
  char buf[256];
  const char *nova = "{\"itemNotFound\": {\"code\": 404, \"message\": \"Instance "
                     "0c3b5a4e-1111-2222-3333-444455556666 could not be found.\"}}";
  const char *keystone = "{\"error\": {\"code\": 401, \"title\": \"Unauthorized\", "
                         "\"message\": \"The request you have made requires authentication.\"}}";
  const char *html = "<html><head><title>502 Bad Gateway</title></head>\n<body>\n"
                     "<center><h1>502 Bad Gateway</h1></center>\n</body></html>";

  os_error_text (nova, strlen (nova), buf, sizeof buf);
  CHECK_STR (buf, "itemNotFound: Instance 0c3b5a4e-1111-2222-3333-444455556666 could not be "
                  "found.");
  os_error_text (keystone, strlen (keystone), buf, sizeof buf);
  CHECK_STR (buf, "Unauthorized: The request you have made requires authentication.");
  os_error_text (html, strlen (html), buf, sizeof buf);
  CHECK_STR (buf, "502 Bad Gateway 502 Bad Gateway");
  /* Neutron names the error by its type. */
  const char *neutron = "{\"NeutronError\": {\"type\": \"MacAddressInUse\", \"message\": "
                        "\"Unable to complete operation for network n1. The mac address "
                        "00:50:56:01:02:03 is in use.\", \"detail\": \"\"}}";
  os_error_text (neutron, strlen (neutron), buf, sizeof buf);
  CHECK_STR (buf, "MacAddressInUse: Unable to complete operation for network n1. The mac "
                  "address 00:50:56:01:02:03 is in use.");
  os_error_text ("", 0, buf, sizeof buf);
  CHECK_STR (buf, "no details in the reply");
  os_error_text (NULL, 0, buf, sizeof buf);
  CHECK_STR (buf, "no details in the reply");
  /* Truncated to the buffer, still terminated. */
  os_error_text (keystone, strlen (keystone), buf, 10);
  CHECK_STR (buf, "Unauthori");
}

static void
test_classes (void)
{
  /* Cinder's quota reply. */
  CHECK (classify (OS_VOLUME, "POST /volumes", 413,
                   "{\"overLimit\": {\"code\": 413, \"message\": \"VolumeSizeExceedsAvailable"
                   "Quota: Requested volume or snapshot exceeds allowed gigabytes quota. "
                   "Requested 500G, quota is 1000G and 600G has been consumed.\"}}") == -1);
  CHECK (err.code == VMERR_OPENSTACK);
  CHECK_CONTAINS (err.msg, "Cinder POST /volumes: quota exceeded");
  CHECK_CONTAINS (err.msg, "HTTP 413");
  CHECK_CONTAINS (err.msg, "Requested 500G, quota is 1000G");
  CHECK_CONTAINS (err.msg, "raise the project's quota");

  /* A volume-count quota some releases send as 413 with another wording. */
  classify (OS_VOLUME, "POST /snapshots", 413, "{\"overLimit\": {\"code\": 413, \"message\": "
            "\"SnapshotLimitExceeded: Maximum number of snapshots allowed (10) exceeded\"}}");
  CHECK_CONTAINS (err.msg, "quota exceeded");
  CHECK_CONTAINS (err.msg, "SnapshotLimitExceeded");

  /* Rate limiting is not a quota problem. */
  classify (OS_VOLUME, "GET /volumes/detail", 429,
            "{\"overLimit\": {\"code\": 429, \"message\": \"This request was rate-limited.\"}}");
  CHECK_LACKS (err.msg, "quota");
  CHECK_CONTAINS (err.msg, "rate-limited");

  /* Keystone middleware's 401 in front of a service: an auth problem. */
  classify (OS_COMPUTE, "GET /servers/x", 401,
            "{\"error\": {\"code\": 401, \"title\": \"Unauthorized\", \"message\": "
            "\"The request you have made requires authentication.\"}}");
  CHECK (err.code == VMERR_AUTH);
  CHECK_CONTAINS (err.msg, "Nova GET /servers/x: HTTP 401 (Unauthorized: The request");

  /* Nova's not found. */
  classify (OS_COMPUTE, "DELETE /servers/s/os-volume_attachments/v", 404,
            "{\"itemNotFound\": {\"code\": 404, \"message\": \"Volume v is not attached to "
            "instance s.\"}}");
  CHECK (err.code == VMERR_OPENSTACK);
  CHECK_CONTAINS (err.msg, "HTTP 404 (itemNotFound: Volume v is not attached to instance s.)");

  /* Policy refusals and server errors. */
  classify (OS_VOLUME, "GET /types/t/encryption", 403,
            "{\"forbidden\": {\"code\": 403, \"message\": \"Policy doesn't allow "
            "volume_extension:volume_type_encryption to be performed.\"}}");
  CHECK (err.code == VMERR_OPENSTACK);
  CHECK_CONTAINS (err.msg, "roles");
  classify (OS_VOLUME, "POST /volumes/v/action", 500,
            "{\"computeFault\": {\"code\": 500, \"message\": \"The server has either erred\"}}");
  CHECK_CONTAINS (err.msg, "HTTP 500 (computeFault: The server has either erred)");
  CHECK_CONTAINS (err.msg, "logs");
}

int
main (void)
{
  test_text ();
  test_classes ();
  CHECK_DONE ();
}
