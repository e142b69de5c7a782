#ifndef VMIGRATE_COMMANDS_H
#define VMIGRATE_COMMANDS_H

#include "config.h"
#include "error.h"

/* One function per command; each returns 0 or -1 with err set. */
int cmd_inspect (const struct config *cfg, struct vmerr *err);
int cmd_status (const struct config *cfg, struct vmerr *err);

#endif
