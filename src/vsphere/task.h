#ifndef VMIGRATE_VSPHERE_TASK_H
#define VMIGRATE_VSPHERE_TASK_H

#include "props.h"
#include "soap.h"

/* Not thread-safe: calls on one vs_conn come from one thread at a time. */

/* Wait for a Task to finish: WaitForUpdatesEx on a PropertyFilter of its
 * info.state, which answers when the state changes (tasks may be done at
 * once or take minutes); servers without filters are polled, fast at
 * first, then backing off.  On success *result (if given) gets
 * info.result's text, e.g. the snapshot moref.  On task error, err holds
 * the task's localized message and FAULT (if given) its fault type. */
int vs_task_wait (struct vs_conn *c, const char *task, const char *what, int timeout_s,
                  char **result, struct vs_fault *fault, struct vmerr *err);

/* Where the task of properties P (info.state, info.error, info.result)
 * stands: 1 succeeded (*RESULT, if given, gets info.result), 0 still
 * running, -1 failed (err and FAULT as vs_task_wait).  WHAT names the
 * task in messages. */
int vs_task_state (const struct vs_props *p, const char *what, char **result,
                   struct vs_fault *fault, struct vmerr *err);

/* Call a *_Task method and wait for it. */
int vs_call_task (struct vs_conn *c, const char *method, const char *this_type,
                  const char *this_value, const char *args, const char *what, int timeout_s,
                  char **result, struct vs_fault *fault, struct vmerr *err);

#endif
