/* Building service connections from the configuration. */
#include "connect.h"

#include <stdlib.h>
#include <string.h>

struct vs_conn *
connect_vsphere (const struct config *cfg, struct vmerr *err)
{
  struct vs_opts o = { 0 };
  struct vs_conn *c;
  char *password;

  /* An empty value (--vsphere-url=) is as good as none. */
  if (cfg->vsphere_url == NULL || *cfg->vsphere_url == '\0') {
    vmerr_set (err, VMERR_CONFIG, "no vSphere URL: give --vsphere-url https://VCENTER/sdk "
               "or set VMIGRATE_VSPHERE_URL");
    return NULL;
  }
  if (cfg->vsphere_user == NULL || *cfg->vsphere_user == '\0') {
    vmerr_set (err, VMERR_CONFIG, "no vSphere user: give --vsphere-user or set "
               "VMIGRATE_VSPHERE_USER");
    return NULL;
  }
  if (cfg->vsphere_password_file == NULL || *cfg->vsphere_password_file == '\0') {
    vmerr_set (err, VMERR_CONFIG, "no vSphere password: put it in a file readable only by "
               "you and give --vsphere-password-file FILE or set VMIGRATE_VSPHERE_PASSWORD_FILE");
    return NULL;
  }
  password = config_read_secret (cfg->vsphere_password_file, "vSphere password", err);
  if (password == NULL)
    return NULL;
  o.url = cfg->vsphere_url;
  o.user = cfg->vsphere_user;
  o.password = password;
  o.http.ca_file = cfg->ca_file;
  o.http.insecure = cfg->vsphere_insecure;
  o.http.retries = -1;
  c = vs_connect (&o, err);
  memset (password, 0, strlen (password));
  free (password);
  return c;
}
