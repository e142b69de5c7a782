#ifndef VMIGRATE_LIB_PRIVATE_DIR_H
#define VMIGRATE_LIB_PRIVATE_DIR_H

#include <stddef.h>

#include "error.h"

/* Private temporary directories (mode 0700) named PREFIX.PID.XXXXXX, so
 * that a later run can tell whose they are and remove those a killed run
 * left behind.  Thread-safe. */

/* Make BASE/PREFIX.<our pid>.XXXXXX (BASE NULL: $TMPDIR, else /tmp) into
 * OUT (N bytes).  VMERR_FAILED naming the directory on failure. */
int private_dir_make (const char *base, const char *prefix, char *out, size_t n,
                      struct vmerr *err);

/* Remove DIR and the files in it (one level: that is all we put there). */
void private_dir_remove (const char *dir);

/* Remove, in $TMPDIR and /tmp, every directory PREFIX.PID.* of ours (one
 * of the NULL-terminated PREFIXES, owned by this user) whose PID is no
 * longer a vmigrate process.  Returns how many were removed. */
int private_dir_reap (const char *const *prefixes);

#endif
