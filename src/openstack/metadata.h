#ifndef VMIGRATE_OPENSTACK_METADATA_H
#define VMIGRATE_OPENSTACK_METADATA_H

#include "error.h"
#include "http.h"

/* Thread-safe: each call has its own HTTP client. */

/* The OpenStack metadata service, as seen from inside an instance. */

#define OS_METADATA_DEFAULT_URL "http://169.254.169.254"

/* This instance's uuid from BASE_URL/openstack/latest/meta_data.json
 * (BASE_URL NULL: OS_METADATA_DEFAULT_URL), giving up after TIMEOUT_S
 * seconds (the service is often unreachable).  HTTP may be NULL (no TLS
 * settings).  *UUID is malloc'd.  VMERR_OPENSTACK with a message that
 * suggests giving the uuid explicitly. */
int os_instance_uuid (const char *base_url, const struct http_opts *http, long timeout_s,
                      char **uuid, struct vmerr *err);

#endif
