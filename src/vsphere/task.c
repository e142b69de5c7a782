/* Task polling. */
#include "task.h"
#include "props.h"
#include "xml.h"
#include "log.h"
#include "wait-until.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Fault type and message of info.error (a LocalizedMethodFault). */
static void
task_error (xmlNode *error, const char *what, struct vs_fault *fault, struct vmerr *err)
{
  xmlNode *f = xml_child (error, "fault");
  char *type = f ? xml_xsi_type (f) : NULL;
  char *msg = xml_child_text (error, "localizedMessage");

  if (fault) {
    memset (fault, 0, sizeof *fault);
    snprintf (fault->type, sizeof fault->type, "%s", type ? type : "");
  }
  vmerr_set (err, VMERR_VSPHERE, "%s failed in vSphere: %s%s%s", what,
             type ? type : "error", msg && *msg ? ": " : "", msg ? msg : "");
  free (type);
  free (msg);
}

struct task_probe {
  struct vs_conn *c;        /* session */
  const char *task;         /* Task moref */
  const char *what;         /* for messages */
  char **result;            /* info.result on success, may be NULL */
  struct vs_fault *fault;   /* fault type on error, may be NULL */
};

/* Done when info.state is success (1) or error (-1, fault set). */
static int
task_finished (void *opaque, struct vmerr *err)
{
  static const char *const paths[] = { "info.state", "info.error", "info.result",
                                        "info.progress", NULL };
  struct task_probe *t = opaque;
  struct vs_props p;
  int done;

  if (vs_get_props (t->c, "Task", t->task, paths, &p, err) == -1) {
    vmerr_prefix (err, "waiting for %s: ", t->what);
    return -1;
  }
  done = vs_task_state (&p, t->what, t->result, t->fault, err);
  vs_props_free (&p);
  return done;
}

int
vs_task_state (const struct vs_props *p, const char *what, char **result,
               struct vs_fault *fault, struct vmerr *err)
{
  char *state = vs_prop_text (p, "info.state");
  int done = 0;

  if (state && strcmp (state, "success") == 0) {
    if (result)
      *result = vs_prop_text (p, "info.result");
    done = 1;
  }
  else if (state && strcmp (state, "error") == 0) {
    task_error (vs_prop (p, "info.error"), what, fault, err);
    done = -1;
  }
  free (state);
  return done;
}

int
vs_task_wait (struct vs_conn *c, const char *task, const char *what, int timeout_s,
              char **result, struct vs_fault *fault, struct vmerr *err)
{
  /* Not interruptible: snapshot removal in cleanup waits here too. */
  struct wait_spec spec = { .timeout_s = timeout_s, .first_delay_s = 0.05, .max_delay_s = 2 };
  struct task_probe t = { c, task, what, result, fault };

  if (result)
    *result = NULL;
  switch (wait_until (&spec, task_finished, &t, err)) {
  case WAIT_DONE:
    return 0;
  case WAIT_FAILED:
    return -1;
  default:
    return vmerr_set (err, VMERR_VSPHERE, "%s: vSphere task %s did not finish in %d s "
                      "(check the task in the vSphere client; it may still complete)",
                      what, task, timeout_s);
  }
}

int
vs_call_task (struct vs_conn *c, const char *method, const char *this_type,
              const char *this_value, const char *args, const char *what, int timeout_s,
              char **result, struct vs_fault *fault, struct vmerr *err)
{
  xmlDoc *doc;
  xmlNode *ret;
  char *task;
  int rc;

  if (vs_call (c, method, this_type, this_value, args, &doc, &ret, fault, err) == -1) {
    vmerr_prefix (err, "%s: ", what);
    return -1;
  }
  if (ret == NULL) {
    xmlFreeDoc (doc);
    return vmerr_set (err, VMERR_VSPHERE, "%s: vSphere returned no task for %s", what, method);
  }
  task = xml_text (ret);
  if (task == NULL) {
    xmlFreeDoc (doc);
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  }
  log_debug ("%s: task %s", what, task);
  rc = vs_task_wait (c, task, what, timeout_s, result, fault, err);
  free (task);
  xmlFreeDoc (doc);
  return rc;
}
