#ifndef VMIGRATE_LIB_ERROR_H
#define VMIGRATE_LIB_ERROR_H

/* Thread-safe functions; a struct vmerr belongs to the thread that fills it. */

/* One error type carried up the call chain and printed once at the top.
 * Its code is the process exit status (stable, documented in vmigrate(1)). */

enum vmerr_code {
  VMERR_OK = 0,
  VMERR_FAILED = 1,        /* anything not classified below */
  VMERR_USAGE = 2,         /* bad command line */
  VMERR_CONFIG = 3,        /* missing/invalid settings, files, environment */
  VMERR_VSPHERE = 4,       /* vSphere refused or failed an operation */
  VMERR_OPENSTACK = 5,     /* Keystone/Cinder/Nova refused or failed */
  VMERR_COPY = 6,          /* reading the source or writing the target failed */
  VMERR_CONVERT = 7,       /* virt-v2v-in-place failed (volumes kept recoverable) */
  VMERR_LOCKED = 8,        /* another run holds this VM */
  VMERR_PRECONDITION = 9,  /* state forbids the request (volume exists, CBT off) */
  VMERR_AUTH = 10,         /* credentials rejected */
  VMERR_TLS = 11,          /* certificate verification failed */
  VMERR_TIMEOUT = 12,      /* a server did not answer in time (--call-timeout) */
  VMERR_VERIFY = 13,       /* --verify: the target differs from the source */
  VMERR_INTERRUPTED = 130, /* SIGINT/SIGTERM; cleanup done */
};

struct vmerr {
  int code;        /* enum vmerr_code; VMERR_OK while no error */
  char msg[2048];  /* what failed and what to do about it */
};

/* Record an error (printf format).  Returns -1 so callers can
 * `return vmerr_set (...)`.  A second set replaces the first. */
int vmerr_set (struct vmerr *e, int code, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));

/* Prepend context ("creating volume for disk 2000: ") to a set error. */
void vmerr_prefix (struct vmerr *e, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));

void vmerr_clear (struct vmerr *e);

#endif
