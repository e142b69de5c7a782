#ifndef VMIGRATE_LIB_PARSE_BOOL_H
#define VMIGRATE_LIB_PARSE_BOOL_H

/* The one reading of a boolean word, for flags (--cbt-sync=BOOL), the
 * environment (OS_INSECURE) and clouds.yaml (verify: false):
 * true/yes/on/1 and false/no/off/0, any case.  Thread-safe. */

/* 1 for a true word, 0 for a false one, -1 for anything else or NULL. */
int parse_bool (const char *s);

#endif
