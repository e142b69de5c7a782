/* Task polling. */
#include "task.h"
#include "props.h"
#include "xml.h"
#include "log.h"
#include "clock.h"
#include "wait-until.h"

#include <stdbool.h>
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

/* A PropertyFilter on the task's info.state, or NULL if the server will
 * not make one (then the task is polled). */
static char *
filter_create (struct vs_conn *c, const char *task)
{
  char *args = NULL, *filter = NULL;
  xmlDoc *doc;
  xmlNode *ret;
  struct vmerr e = { 0 };

  if (asprintf (&args, "<spec><propSet><type>Task</type><all>false</all>"
                "<pathSet>info.state</pathSet></propSet><objectSet><obj type=\"Task\">%s</obj>"
                "<skip>false</skip></objectSet></spec><partialUpdates>false</partialUpdates>",
                task) < 0)
    return NULL;
  if (vs_call (c, "CreateFilter", "PropertyCollector", c->property_collector, args, &doc, &ret,
               NULL, &e) == 0) {
    filter = xml_text (ret);
    xmlFreeDoc (doc);
  }
  else
    log_debug ("no PropertyFilter for task %s (%s): polling it", task, e.msg);
  free (args);
  return filter;
}

static void
filter_destroy (struct vs_conn *c, const char *filter)
{
  struct vmerr e = { 0 };
  xmlDoc *doc;
  xmlNode *ret;

  if (vs_call (c, "DestroyPropertyFilter", "PropertyFilter", filter, NULL, &doc, &ret, NULL,
               &e) == 0)
    xmlFreeDoc (doc);
  else
    log_debug ("DestroyPropertyFilter %s: %s", filter, e.msg);
}

/* Whether an UpdateSet says info.state became success or error. */
static bool
update_finished (xmlNode *set)
{
  bool done = false;

  for (xmlNode *fs = xml_child (set, "filterSet"); fs && !done; fs = xml_next_same (fs))
    for (xmlNode *os = xml_child (fs, "objectSet"); os && !done; os = xml_next_same (os))
      for (xmlNode *ch = xml_child (os, "changeSet"); ch && !done; ch = xml_next_same (ch)) {
        char *name = xml_child_text (ch, "name"), *val = xml_child_text (ch, "val");
        done = name && val && strcmp (name, "info.state") == 0 &&
               (strcmp (val, "success") == 0 || strcmp (val, "error") == 0);
        free (name);
        free (val);
      }
  return done;
}

/* Wait for the task through FILTER: WaitForUpdatesEx answers as soon as
 * info.state changes (what govmomi's and pyVmomi's task waits do), so no
 * poll interval is lost.  Each wait ends well inside the HTTP call
 * timeout; after one that brings nothing the task is read directly (a
 * filter lost with an expired session then costs one wait, not the task).
 * *POLL is set when the server refuses (a SOAP fault): poll instead. */
static enum wait_result
wait_updates (struct task_probe *t, const char *filter, double deadline, bool *poll,
              struct vmerr *err)
{
  char *version = NULL;
  long slice = http_timeout (t->c->http) / 2;
  enum wait_result r = WAIT_TIMEOUT;

  *poll = false;
  if (slice > 5)
    slice = 5;
  while (clock_now () < deadline) {
    double left = deadline - clock_now ();
    char *args = NULL;
    xmlDoc *doc;
    xmlNode *ret;
    struct vs_fault fault;
    int rc;

    if (asprintf (&args, "%s%s%s<options><maxWaitSeconds>%ld</maxWaitSeconds></options>",
                  version ? "<version>" : "", version ? version : "",
                  version ? "</version>" : "", left < slice ? (long) left + 1 : slice) < 0) {
      r = WAIT_FAILED;
      vmerr_set (err, VMERR_FAILED, "out of memory");
      break;
    }
    rc = vs_call (t->c, "WaitForUpdatesEx", "PropertyCollector", t->c->property_collector,
                  args, &doc, &ret, &fault, err);
    free (args);
    if (rc == -1) {
      if (fault.type[0]) {
        log_debug ("WaitForUpdatesEx for task %s: %s: polling it", t->task, err->msg);
        vmerr_clear (err);
        *poll = true;
        r = WAIT_TIMEOUT;
      }
      else {
        vmerr_prefix (err, "waiting for %s: ", t->what);
        r = WAIT_FAILED;
      }
      break;
    }
    bool check = ret == NULL || update_finished (ret);
    if (ret) {
      free (version);
      version = xml_child_text (ret, "version");
    }
    xmlFreeDoc (doc);
    if (check) {
      int done = task_finished (t, err);
      if (done != 0) {
        r = done == 1 ? WAIT_DONE : WAIT_FAILED;
        break;
      }
    }
  }
  free (version);
  return r;
}

int
vs_task_wait (struct vs_conn *c, const char *task, const char *what, int timeout_s,
              char **result, struct vs_fault *fault, struct vmerr *err)
{
  /* Not interruptible: snapshot removal in cleanup waits here too.  Polls
   * start fast (a task may be done at once) and back off. */
  struct wait_spec spec = { .timeout_s = timeout_s, .first_delay_s = 0.02, .max_delay_s = 2 };
  struct task_probe t = { c, task, what, result, fault };
  double deadline = clock_now () + timeout_s;
  enum wait_result r = WAIT_TIMEOUT;
  bool poll = true;
  char *filter;

  if (result)
    *result = NULL;
  /* A wait must fit in one call's timeout, with room to spare. */
  if (http_timeout (c->http) >= 2 && (filter = filter_create (c, task)) != NULL) {
    r = wait_updates (&t, filter, deadline, &poll, err);
    filter_destroy (c, filter);
    free (filter);
  }
  if (poll) {
    spec.timeout_s = deadline - clock_now ();
    r = wait_until (&spec, task_finished, &t, err);
  }
  switch (r) {
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
