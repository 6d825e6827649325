// SPDX-License-Identifier: MIT
/*
 * VMDUMP (class G): the virtual machine's storage and registers as an ELF
 * core file (machine_write_core: what gdb-multiarch and crash read of a
 * riscv64 Linux), into the user's reader (spool/reader.h) as file type DMP.
 * CP makes the reader's `.tmp` file and passes it to the VM process, which
 * writes it between two slices of guest instructions (zero pages as
 * holes) and fsyncs it; CP then publishes it and tells the user, as z/VM
 * tells of a file arriving in a reader.  The guest goes on as it was: a
 * running guest pauses for the writing only.  One dump per user at a time.
 *
 * z/VM's operands (ranges, TO userid, FORMAT, DSS) are not taken: the
 * dump is always of all storage, to the user's own reader.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cp/dump.h"
#include "cp/vmctl.h"
#include "spool/reader.h"
#include "vm/proto.h"

/* Dumps in flight: the user (by id, who may log off meanwhile) and the spool id. */
struct dump_inflight {
	struct dump_inflight *next;
	char user[16];
	int id;
	pid_t pid; /* the VM process asked: another one (DEFINE STORAGE) never answers */
};
static struct dump_inflight *inflight;

static struct dump_inflight **dump_find(const char *user)
{
	struct dump_inflight **pp = &inflight;

	while (*pp && strcmp((*pp)->user, user))
		pp = &(*pp)->next;
	return pp;
}

int cmd_vmdump(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	struct cp_user *u = ctx->user;
	struct dump_inflight *d;
	int id, fd, rc;

	if (argc > 1)
		return cp_msg(ctx, MSG_CMD_INVALID_OPTION, argv[1]);
	if (!u->vm || !u->vm->pid)
		return cp_msg(ctx, MSG_DUMP_FAILED, "the virtual machine is not there");
	d = *dump_find(u->id);
	if (d && d->pid == u->vm->pid)
		return cp_msg(ctx, MSG_DUMP_FAILED, "a dump is being written");
	if (d)
		dump_vm_gone(u);
	d = calloc(1, sizeof(*d));
	if (!d)
		return cp_msg(ctx, MSG_DUMP_FAILED, strerror(ENOMEM));
	rc = reader_open_tmp(cp_sys.spool, u->id, &id, &fd);
	if (rc) {
		free(d);
		return cp_msg(ctx, MSG_DUMP_FAILED, strerror(-rc));
	}
	rc = cp_vm_send(u, PROTO_VMDUMP, NULL, 0, &fd, 1);
	close(fd); /* the VM has its own */
	if (rc) {
		reader_discard(cp_sys.spool, u->id, id);
		free(d);
		return cp_msg(ctx, MSG_DUMP_FAILED, strerror(-rc));
	}
	snprintf(d->user, sizeof(d->user), "%s", u->id);
	d->id = id;
	d->pid = u->vm->pid;
	d->next = inflight;
	inflight = d;
	return 0;
}

/* "0064M" style size for the RECS column: KiB, MiB or GiB, four digits. */
static void dump_size(uint64_t bytes, char *buf, size_t size)
{
	if (bytes < (10000ull << 10))
		snprintf(buf, size, "%04lluK", (unsigned long long)((bytes + 1023) >> 10));
	else if (bytes < (10000ull << 20))
		snprintf(buf, size, "%04lluM", (unsigned long long)((bytes + (1 << 20) - 1) >> 20));
	else
		snprintf(buf, size, "%04lluG", (unsigned long long)((bytes + (1 << 30) - 1) >> 30));
}

void dump_vm_result(struct cp_user *u, struct proto_msg *m)
{
	struct dump_inflight **pp = dump_find(u->id), *d = *pp;
	struct proto_vmdump_result r;
	char size[16], secs[32];
	int rc;

	if (!d || d->pid != u->vm->pid || m->len < sizeof(r))
		return; /* not asked for: a VM's word is not taken */
	memcpy(&r, m->payload, sizeof(r));
	*pp = d->next;
	rc = r.rc ? r.rc : reader_publish(cp_sys.spool, u->id, d->id, "DMP");
	if (rc) {
		reader_discard(cp_sys.spool, u->id, d->id);
		cp_user_msg(u, MSG_DUMP_FAILED,
			    r.rc && m->len > sizeof(r) ? (const char *)m->payload + sizeof(r)
						       : strerror(-rc));
	} else {
		dump_size(r.file_size, size, sizeof(size));
		snprintf(secs, sizeof(secs), "%.2f", (double)r.ns / 1e9);
		cp_user_msg(u, MSG_DUMP_SENT, d->id, u->id, d->id, size);
		cp_user_msg(u, MSG_DUMP_DONE, (unsigned long long)(r.data_bytes >> 10), secs);
	}
	free(d);
}

void dump_vm_gone(struct cp_user *u)
{
	struct dump_inflight **pp = dump_find(u->id), *d = *pp;

	if (!d)
		return;
	*pp = d->next;
	reader_discard(cp_sys.spool, u->id, d->id);
	free(d);
}
