#ifndef VMIGRATE_LIB_VERSION_H
#define VMIGRATE_LIB_VERSION_H

/* Not thread-safe (one static buffer): called once, for --version. */

/* The program version and the versions of the libraries it was built
 * with, as one human-readable multi-line string (caller must not free). */
const char *vmigrate_version_text (void);

#endif
