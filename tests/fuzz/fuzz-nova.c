/* Fuzz target: Nova's GET /servers/ID/os-volume_attachments reply
 * through os_attachments_parse. */
#include "fuzz.h"
#include "nova.h"
#include "util.h"

#include <stdlib.h>

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  json_object *reply = osj_parse ((const char *) data, size);
  struct os_attachment_list l;
  struct vmerr err = { 0 };

  if (os_attachments_parse (reply, &l, &err) == 0)
    for (size_t i = 0; i < l.n; i++)
      if (l.items[i].volume_id == NULL)
        abort ();  /* entries without a volumeId are skipped */
  os_attachment_list_free (&l);
  json_object_put (reply);
  return 0;
}
