/* Task polling. */
#include "vsphere/task.h"
#include "vsphere/props.h"
#include "vsphere/xml.h"
#include "clock.h"
#include "log.h"

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

int
vs_task_wait (struct vs_conn *c, const char *task, const char *what, int timeout_s,
              char **result, struct vs_fault *fault, struct vmerr *err)
{
  static const char *const paths[] = { "info.state", "info.error", "info.result",
                                        "info.progress", NULL };
  double deadline = clock_now () + timeout_s, delay = 0.05;

  if (result)
    *result = NULL;
  for (;;) {
    struct vs_props p;
    char *state;
    int done = 0;

    if (vs_get_props (c, "Task", task, paths, &p, err) == -1) {
      vmerr_prefix (err, "waiting for %s: ", what);
      return -1;
    }
    state = vs_prop_text (&p, "info.state");
    if (state && strcmp (state, "success") == 0) {
      if (result)
        *result = vs_prop_text (&p, "info.result");
      done = 1;
    }
    else if (state && strcmp (state, "error") == 0) {
      task_error (vs_prop (&p, "info.error"), what, fault, err);
      done = -1;
    }
    free (state);
    vs_props_free (&p);
    if (done)
      return done == 1 ? 0 : -1;
    if (clock_now () > deadline)
      return vmerr_set (err, VMERR_VSPHERE, "%s: vSphere task %s did not finish in %d s "
                        "(check the task in the vSphere client; it may still complete)",
                        what, task, timeout_s);
    clock_sleep (delay);
    delay = delay * 1.5 > 2.0 ? 2.0 : delay * 1.5;
  }
}

int
vs_call_task (struct vs_conn *c, const char *method, const char *this_type,
              const char *this_value, const char *args, const char *what, int timeout_s,
              char **result, struct vs_fault *fault, struct vmerr *err)
{
  xmlDoc *doc;
  xmlNode *ret;
  xmlChar *task;
  int rc;

  if (vs_call (c, method, this_type, this_value, args, &doc, &ret, fault, err) == -1) {
    vmerr_prefix (err, "%s: ", what);
    return -1;
  }
  if (ret == NULL) {
    xmlFreeDoc (doc);
    return vmerr_set (err, VMERR_VSPHERE, "%s: vSphere returned no task for %s", what, method);
  }
  task = xmlNodeGetContent (ret);
  log_debug ("%s: task %s", what, (const char *) task);
  rc = vs_task_wait (c, (const char *) task, what, timeout_s, result, fault, err);
  xmlFree (task);
  xmlFreeDoc (doc);
  return rc;
}
