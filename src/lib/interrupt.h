#ifndef VMIGRATE_LIB_INTERRUPT_H
#define VMIGRATE_LIB_INTERRUPT_H

#include <stdbool.h>

/* Thread-safe: the handler only sets a flag that any thread may read;
 * install once, from main. */

/* SIGINT/SIGTERM do not kill vmigrate mid-step: they set a flag that long
 * loops poll, so the run stops at a safe point and still removes its
 * snapshot and detaches its volumes. */

void interrupt_install (void);

/* True once SIGINT or SIGTERM arrived. */
bool interrupted (void);

/* The signal that arrived, 0 if none. */
int interrupt_signal (void);

#endif
