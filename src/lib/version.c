/* Version reporting: vmigrate's own version plus the libraries that matter
 * when an operator files a bug (curl/TLS, libxml2, json-c, libnbd). */
#include "build-info.h"
#include "version.h"

#include <curl/curl.h>
#include <json-c/json_c_version.h>
#include <libxml/xmlversion.h>
#include <stdio.h>

const char *
vmigrate_version_text (void)
{
  static char buf[512];
  curl_version_info_data *cv = curl_version_info (CURLVERSION_NOW);

  snprintf (buf, sizeof buf,
            "vmigrate %s\n"
            "libcurl %s (%s)\n"
            "libxml2 %s\n"
            "json-c %s\n"
            "libnbd %s\n",
            VMIGRATE_VERSION, cv->version, cv->ssl_version ? cv->ssl_version : "no TLS",
            LIBXML_DOTTED_VERSION, json_c_version (),
            LIBNBD_BUILD_VERSION);
  return buf;
}
