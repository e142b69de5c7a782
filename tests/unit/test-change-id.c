/* changeId parsing: "<uuid with spaces>/<sequence>". */
#include "check.h"
#include "cbt.h"

int
main (void)
{
  char uuid[128];
  long seq;

  CHECK (vs_change_id_parse ("52 de c0 d9 98 01 2b 8c-93 ec 70 6e 96 d4 c1 4e/12", uuid,
                             sizeof uuid, &seq));
  CHECK_STR (uuid, "52 de c0 d9 98 01 2b 8c-93 ec 70 6e 96 d4 c1 4e");
  CHECK (seq == 12);
  CHECK (!vs_change_id_parse ("*", uuid, sizeof uuid, &seq));
  CHECK (!vs_change_id_parse ("52 de/", uuid, sizeof uuid, &seq));
  CHECK (!vs_change_id_parse ("/5", uuid, sizeof uuid, &seq));
  CHECK (!vs_change_id_parse ("52 de/x5", uuid, sizeof uuid, &seq));
  CHECK (!vs_change_id_parse (NULL, uuid, sizeof uuid, &seq));
  CHECK (!vs_change_id_parse ("abcdef/1", uuid, 4, &seq));
  CHECK_DONE ();
}
