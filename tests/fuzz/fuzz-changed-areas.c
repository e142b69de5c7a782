/* Fuzz target: QueryChangedDiskAreas replies.  The input is one SOAP
 * envelope; each of its returnval elements is taken as the reply to the
 * next query of the paging loop of vs_changed_areas, on a disk of 1 GiB
 * (the seeds' size) and on one as large as an int64 allows. */
#include "fuzz.h"
#include "cbt.h"
#include "xml.h"
#include "check-extent.h"

#include <stdlib.h>

static void
page_through (xmlNode *ret, int64_t capacity)
{
  struct extent_list l = { 0 };
  struct vmerr err = { 0 };
  int64_t off = 0, next = 0;
  int rc = 0;

  for (xmlNode *r = ret; r && rc == 0 && off < capacity; r = xml_next_same (r)) {
    rc = vs_changed_areas_page (r, 2000, off, capacity, &l, &next, &err);
    if (rc == 0 && next <= off)
      abort ();  /* a page that does not advance must be refused */
    if (rc == -1 && err.code != VMERR_VSPHERE && err.code != VMERR_FAILED)
      abort ();
    off = next;
    check_extent_list (&l, capacity, 0);
  }
  extent_list_free (&l);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct vmerr err = { 0 };
  struct vs_fault fault;
  xmlDoc *doc;
  xmlNode *ret;

  if (vs_reply_parse ("QueryChangedDiskAreas", (const char *) data, size, 200, &doc, &ret,
                      &fault, &err) == -1)
    return 0;
  page_through (ret, 1 << 30);
  page_through (ret, INT64_MAX & ~(int64_t) 511);
  xmlFreeDoc (doc);
  return 0;
}
