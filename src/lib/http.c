/* libcurl wrapper shared by the vSphere and OpenStack clients. */
#include "http.h"
#include "vector.h"
#include "clock.h"
#include "log.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct http_client {
  CURL *curl;              /* one easy handle: keeps the connection and cookies */
  struct http_opts opts;   /* copy of the caller's options (strings borrowed) */
  char errbuf[CURL_ERROR_SIZE]; /* libcurl's detailed message of the last failure */
};

struct buf {
  char *data;
  size_t len, cap;
};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static long default_timeout_s = 300;  /* --call-timeout */

/* libcurl waits at most this long for a connection (when the call has that
 * much time left). */
enum { CONNECT_TIMEOUT_S = 30 };

static void
global_init (void)
{
  curl_global_init (CURL_GLOBAL_DEFAULT);
}

static size_t
append (char *ptr, size_t size, size_t n, void *opaque)
{
  struct buf *b = opaque;
  size_t add = size * n;

  if (vector_grow (&b->data, &b->cap, b->len + add + 1, 1) == -1)
    return 0; /* libcurl reports CURLE_WRITE_ERROR */
  memcpy (b->data + b->len, ptr, add);
  b->len += add;
  b->data[b->len] = '\0';
  return add;
}

/* A new header block starts with each "HTTP/" status line (after
 * redirects or 100-continue): keep only the last one. */
static size_t
header_cb (char *ptr, size_t size, size_t n, void *opaque)
{
  struct buf *b = opaque;

  if (n * size >= 5 && strncmp (ptr, "HTTP/", 5) == 0)
    b->len = 0;
  return append (ptr, size, n, opaque);
}

void
http_set_default_timeout (long seconds)
{
  if (seconds > 0)
    default_timeout_s = seconds;
}

long
http_timeout (const struct http_client *c)
{
  return c->opts.timeout_s;
}

struct http_client *
http_new (const struct http_opts *opts, struct vmerr *err)
{
  struct http_client *c;

  pthread_once (&global_once, global_init);
  c = calloc (1, sizeof *c);
  if (c == NULL || (c->curl = curl_easy_init ()) == NULL) {
    free (c);
    vmerr_set (err, VMERR_FAILED, "cannot initialise libcurl (out of memory?)");
    return NULL;
  }
  c->opts = *opts;
  if (c->opts.timeout_s <= 0)
    c->opts.timeout_s = default_timeout_s;
  if (c->opts.retries < 0)
    c->opts.retries = 5;
  if (c->opts.backoff_s <= 0)
    c->opts.backoff_s = 0.5;
  curl_easy_setopt (c->curl, CURLOPT_COOKIEFILE, ""); /* in-memory cookie engine */
  curl_easy_setopt (c->curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (c->curl, CURLOPT_ERRORBUFFER, c->errbuf);
  curl_easy_setopt (c->curl, CURLOPT_ACCEPT_ENCODING, "");
  if (c->opts.ca_file)
    curl_easy_setopt (c->curl, CURLOPT_CAINFO, c->opts.ca_file);
  if (c->opts.insecure) {
    curl_easy_setopt (c->curl, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt (c->curl, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  return c;
}

void
http_free (struct http_client *c)
{
  if (c == NULL)
    return;
  curl_easy_cleanup (c->curl);
  free (c);
}

bool
http_status_transient (long status)
{
  return status == 429 || status == 502 || status == 503 || status == 504;
}

/* Failures where the server surely did not act on the request. */
static bool
curl_not_sent (CURLcode rc)
{
  return rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST;
}

static bool
curl_transient (CURLcode rc)
{
  return curl_not_sent (rc) || rc == CURLE_OPERATION_TIMEDOUT || rc == CURLE_RECV_ERROR ||
         rc == CURLE_SEND_ERROR || rc == CURLE_GOT_NOTHING || rc == CURLE_PARTIAL_FILE;
}

static bool
curl_tls_failure (CURLcode rc)
{
  return rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE ||
         rc == CURLE_SSL_CONNECT_ERROR || rc == CURLE_SSL_CERTPROBLEM ||
         rc == CURLE_SSL_ISSUER_ERROR;
}

/* The URL without query string, for messages (queries may carry tokens). */
static void
url_for_msg (const char *url, char *out, size_t n)
{
  size_t len = strcspn (url, "?");
  if (len >= n)
    len = n - 1;
  memcpy (out, url, len);
  out[len] = '\0';
}

/* One attempt with LEFT_S seconds of the call's time left. */
static CURLcode
perform_once (struct http_client *c, const char *method, const char *url,
              struct curl_slist *hdrs, const char *body, size_t body_len, double left_s,
              struct buf *rb, struct buf *hb, long *status)
{
  CURL *h = c->curl;
  long left_ms = left_s > 0.001 ? (long) (left_s * 1000) : 1;
  CURLcode rc;

  rb->len = hb->len = 0;
  c->errbuf[0] = '\0';
  curl_easy_setopt (h, CURLOPT_URL, url);
  curl_easy_setopt (h, CURLOPT_HTTPHEADER, hdrs);
  curl_easy_setopt (h, CURLOPT_TIMEOUT_MS, left_ms);
  curl_easy_setopt (h, CURLOPT_CONNECTTIMEOUT_MS,
                    left_ms < CONNECT_TIMEOUT_S * 1000L ? left_ms : CONNECT_TIMEOUT_S * 1000L);
  curl_easy_setopt (h, CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt (h, CURLOPT_WRITEDATA, rb);
  curl_easy_setopt (h, CURLOPT_HEADERFUNCTION, header_cb);
  curl_easy_setopt (h, CURLOPT_HEADERDATA, hb);
  curl_easy_setopt (h, CURLOPT_NOBODY, strcmp (method, "HEAD") == 0 ? 1L : 0L);
  if (body) {
    curl_easy_setopt (h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt (h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) body_len);
  }
  else if (strcmp (method, "GET") == 0)
    curl_easy_setopt (h, CURLOPT_HTTPGET, 1L);
  else {
    curl_easy_setopt (h, CURLOPT_POSTFIELDS, "");
    curl_easy_setopt (h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) 0);
  }
  curl_easy_setopt (h, CURLOPT_CUSTOMREQUEST,
                    strcmp (method, "GET") == 0 || strcmp (method, "POST") == 0 ? NULL : method);
  rc = curl_easy_perform (h);
  *status = 0;
  if (rc == CURLE_OK)
    curl_easy_getinfo (h, CURLINFO_RESPONSE_CODE, status);
  return rc;
}

int
http_request (struct http_client *c, const char *method, const char *url,
              const char *const *headers, const char *body, size_t body_len,
              int flags, struct http_response *resp, struct vmerr *err)
{
  struct curl_slist *hdrs = NULL;
  struct buf rb = { 0 }, hb = { 0 };
  char where[512];
  double delay = c->opts.backoff_s;
  /* One budget for every attempt and backoff: a hung server costs
   * timeout_s, not (retries + 1) times it. */
  double deadline = clock_now () + (double) c->opts.timeout_s;
  bool out_of_time = false;
  long status = 0;
  CURLcode rc = CURLE_OK;
  int ret = -1;

  memset (resp, 0, sizeof *resp);
  url_for_msg (url, where, sizeof where);
  for (size_t i = 0; headers && headers[i]; i++) {
    struct curl_slist *n = curl_slist_append (hdrs, headers[i]);
    if (n == NULL) {
      vmerr_set (err, VMERR_FAILED, "out of memory building request headers");
      goto out;
    }
    hdrs = n;
  }

  for (int attempt = 0;; attempt++) {
    rc = perform_once (c, method, url, hdrs, body, body_len, deadline - clock_now (), &rb, &hb,
                       &status);
    bool retry;
    if (rc != CURLE_OK)
      retry = (flags & HTTP_IDEMPOTENT) ? curl_transient (rc) : curl_not_sent (rc);
    else
      retry = http_status_transient (status);
    if (!retry || attempt >= c->opts.retries)
      break;
    /* No time left for the backoff and a useful attempt after it. */
    if (deadline - clock_now () <= delay) {
      out_of_time = true;
      break;
    }
    if (rc != CURLE_OK)
      log_warn ("%s %s: %s; retrying in %.1f s (%d/%d)", method, where,
                c->errbuf[0] ? c->errbuf : curl_easy_strerror (rc), delay, attempt + 1,
                c->opts.retries);
    else
      log_warn ("%s %s: HTTP %ld; retrying in %.1f s (%d/%d)", method, where, status, delay,
                attempt + 1, c->opts.retries);
    clock_sleep (delay);
    delay = delay * 2 > 30 ? 30 : delay * 2;
  }

  if (rc != CURLE_OK) {
    const char *detail = c->errbuf[0] ? c->errbuf : curl_easy_strerror (rc);
    if (rc == CURLE_OPERATION_TIMEDOUT || out_of_time)
      vmerr_set (err, VMERR_TIMEOUT, "%s %s: no answer within %ld s, retries included (%s; "
                 "if the server is only slow, raise --call-timeout or VMIGRATE_CALL_TIMEOUT)",
                 method, where, c->opts.timeout_s, detail);
    else if (curl_tls_failure (rc))
      vmerr_set (err, VMERR_TLS,
                 "TLS failure talking to %s: %s (give the server's CA with --ca-file or "
                 "OS_CACERT, or skip verification on a trusted network: --vsphere-insecure "
                 "for vSphere, --os-insecure for OpenStack)", where, detail);
    else
      vmerr_set (err, VMERR_FAILED, "%s %s failed: %s (check the address and that the "
                 "service is reachable from this host)", method, where, detail);
    goto out;
  }
  resp->status = status;
  resp->body = rb.data ? rb.data : strdup ("");
  resp->len = rb.len;
  resp->headers = hb.data ? hb.data : strdup ("");
  rb.data = hb.data = NULL;
  if (resp->body == NULL || resp->headers == NULL) {
    http_response_free (resp);
    vmerr_set (err, VMERR_FAILED, "out of memory reading the reply from %s", where);
    goto out;
  }
  ret = 0;
out:
  curl_slist_free_all (hdrs);
  /* Unset the pointers libcurl keeps to this call's buffers. */
  curl_easy_setopt (c->curl, CURLOPT_HTTPHEADER, NULL);
  free (rb.data);
  free (hb.data);
  return ret;
}

char *
http_response_header (const struct http_response *r, const char *name)
{
  size_t nlen = strlen (name);
  const char *p = r->headers;

  while (p && *p) {
    const char *eol = strstr (p, "\r\n");
    size_t linelen = eol ? (size_t) (eol - p) : strlen (p);
    if (linelen > nlen && strncasecmp (p, name, nlen) == 0 && p[nlen] == ':') {
      const char *v = p + nlen + 1;
      while (*v == ' ' || *v == '\t')
        v++;
      return strndup (v, linelen - (size_t) (v - p));
    }
    p = eol ? eol + 2 : NULL;
  }
  return NULL;
}

void
http_response_free (struct http_response *r)
{
  free (r->body);
  free (r->headers);
  memset (r, 0, sizeof *r);
}
