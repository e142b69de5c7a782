/* Choosing the settings reader. */
#include "auth-load.h"
#include "auth-env.h"
#include "clouds.h"

int
os_auth_load (struct os_auth *a, const char *cloud, struct vmerr *err)
{
  if (cloud && *cloud)
    return os_auth_from_cloud (a, cloud, err);
  return os_auth_from_env (a, err);
}
