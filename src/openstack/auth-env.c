/* Keystone settings from the OS_* environment (an openrc file). */
#include "auth-env.h"
#include "auth-settings.h"
#include "parse-bool.h"

#include <stdlib.h>
#include <string.h>

int
os_auth_from_env (struct os_auth *a, struct vmerr *err)
{
  const char *v;

  memset (a, 0, sizeof *a);
  for (const struct os_setting *s = os_settings; s->env; s++) {
    v = getenv (s->env);
    if (v && *v && (*os_auth_field (a, s->off) = strdup (v)) == NULL)
      return vmerr_set (err, VMERR_FAILED, "out of memory");
  }
  a->insecure = parse_bool (getenv ("OS_INSECURE")) == 1;
  v = getenv ("OS_AUTH_TYPE");
  return os_auth_finish (a, v && *v ? v : NULL, "OS_AUTH_TYPE", err);
}
