// SPDX-License-Identifier: MIT
/*
 * DIRECTXA: the directory file CP was started with (--directory), read
 * again and brought on line while CP runs.  The file is read whole and
 * checked before anything changes: a file with an error is refused with
 * its file:line and the directory on line stays.  Users logged on keep the
 * entry they logged on with (cp/directory.h: dir_ref); new, changed and
 * removed users take effect at their next LOGON or AUTOLOG, as z/VM's
 * DIRECTXA does.  It takes no file name: nothing a user types names a
 * host file.  In an SSI cluster it changes this member's directory only.
 */
#include "cp/commands.h"
#include "cp/directory.h"
#include "cp/user.h"
#include "util/log.h"

int cmd_directxa(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	struct directory *d;
	char err[512] = "";
	int kept;

	if (argc > 1)
		return cp_msg(ctx, MSG_CMD_INVALID_OPERAND, argv[1]);
	if (dir_load(cp_sys.dir->path, &d, err, sizeof(err))) {
		log_warn("DIRECTXA by %s refused: %s", ctx->user ? ctx->user->id : "CP", err);
		return cp_msg(ctx, MSG_DIR_REFUSED, err);
	}
	dir_unref(cp_sys.dir);
	cp_sys.dir = d;
	kept = cp_user_count();
	log_info("DIRECTXA by %s: %d users on line from %s", ctx->user ? ctx->user->id : "CP",
		 d->nusers, d->path);
	cp_msg(ctx, MSG_DIR_ONLINE);
	return cp_msg(ctx, MSG_DIR_USERS, d->nusers, kept);
}
