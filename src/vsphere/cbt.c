/* QueryChangedDiskAreas paging and changeId parsing. */
#include "cbt.h"
#include "task.h"
#include "xml.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool
vs_change_id_parse (const char *change_id, char *uuid, size_t uuid_size, long *seq)
{
  const char *slash = change_id ? strrchr (change_id, '/') : NULL;
  char *end;
  size_t n;

  if (slash == NULL || slash == change_id || slash[1] == '\0')
    return false;
  errno = 0;
  *seq = strtol (slash + 1, &end, 10);
  if (errno || *end != '\0' || *seq < 0)
    return false;
  n = (size_t) (slash - change_id);
  if (n >= uuid_size)
    return false;
  memcpy (uuid, change_id, n);
  uuid[n] = '\0';
  return true;
}

int
vs_changed_areas_page (xmlNode *ret, int disk_key, int64_t off, int64_t capacity,
                       struct extent_list *out, int64_t *next, struct vmerr *err)
{
  int64_t start = -1, length = 0;
  int rc = 0;

  /* start == off, 0 <= off < capacity: the end check below cannot
   * overflow, and it also keeps start + length (the next offset) in range. */
  if (!xml_child_int64 (ret, "startOffset", &start) || !xml_child_int64 (ret, "length", &length)
      || start != off || length <= 0)
    return vmerr_set (err, VMERR_VSPHERE, "QueryChangedDiskAreas for disk %d at offset %" PRId64
                      " answered startOffset %" PRId64 " length %" PRId64 ": the query does not "
                      "advance; refusing to guess what changed", disk_key, off, start, length);
  if (length > capacity - start)
    return vmerr_set (err, VMERR_VSPHERE, "QueryChangedDiskAreas for disk %d at offset %" PRId64
                      " answered length %" PRId64 ": past the end of the %" PRId64 "-byte disk; "
                      "refusing to guess what changed", disk_key, off, length, capacity);
  for (xmlNode *a = xml_child (ret, "changedArea"); a && rc == 0; a = xml_next_same (a)) {
    int64_t s, n;
    if (!xml_child_int64 (a, "start", &s) || !xml_child_int64 (a, "length", &n))
      rc = vmerr_set (err, VMERR_VSPHERE, "QueryChangedDiskAreas: a changed area without "
                      "start/length");
    else if ((rc = extent_append (out, s, n, capacity, err)) != 0) {
      if (rc == EXTENT_INVALID)
        err->code = VMERR_VSPHERE;  /* vSphere answered a bad changed area */
      rc = -1;
    }
  }
  *next = start + length;
  return rc;
}

int
vs_changed_areas (struct vs_conn *c, const char *vm_moref, const char *snap_moref,
                  int disk_key, int64_t capacity, const char *change_id,
                  struct extent_list *out, struct vs_fault *fault, struct vmerr *err)
{
  char *cid = xml_escape (change_id);
  int64_t off = 0;
  int rc = 0;

  if (cid == NULL)
    return vmerr_set (err, VMERR_FAILED, "out of memory");
  while (off < capacity && rc == 0) {
    char *args = NULL;
    xmlDoc *doc;
    xmlNode *ret;

    if (asprintf (&args, "<snapshot type=\"VirtualMachineSnapshot\">%s</snapshot>"
                  "<deviceKey>%d</deviceKey><startOffset>%" PRId64 "</startOffset>"
                  "<changeId>%s</changeId>", snap_moref, disk_key, off, cid) < 0) {
      rc = vmerr_set (err, VMERR_FAILED, "out of memory");
      break;
    }
    rc = vs_call (c, "QueryChangedDiskAreas", "VirtualMachine", vm_moref, args, &doc, &ret,
                  fault, err);
    free (args);
    if (rc == -1)
      break;
    rc = vs_changed_areas_page (ret, disk_key, off, capacity, out, &off, err);
    xmlFreeDoc (doc);
  }
  free (cid);
  if (rc == -1)
    extent_list_free (out);
  return rc;
}

int
vs_enable_cbt (struct vs_conn *c, const char *vm_moref, struct vmerr *err)
{
  return vs_call_task (c, "ReconfigVM_Task", "VirtualMachine", vm_moref,
                       "<spec><changeTrackingEnabled>true</changeTrackingEnabled></spec>",
                       "enabling Changed Block Tracking", 600, NULL, NULL, err);
}
