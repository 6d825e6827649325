/* SPDX-License-Identifier: MIT */
#ifndef RVCP_SPOOL_READER_H
#define RVCP_SPOOL_READER_H
/*
 * A user's virtual reader: the spool files sent to it, the least model
 * VMDUMP needs (no punch, printer, CLOSE or TRANSFER yet).
 *
 * One folder per user, `<spool>/reader/<USERID>/`, one file per reader file:
 * `NNNN.<TYPE>` (TYPE: DMP for a VMDUMP), NNNN its spool id, from 0001 up
 * past every id in that folder and wrapping after 9999, as z/VM's (z/VM's
 * ids are system-wide; these are per reader).  The file's owner is the
 * folder's user, its date its mtime.  A file is built as `NNNN.tmp`,
 * fsync()ed by whoever wrote it, then renamed to its name and the folder
 * fsync()ed: a reader holds whole files only.  Leftover `.tmp` files (a CP
 * or VM that died while writing) are removed by reader_open_tmp.
 */
#include <stdint.h>

/* A new reader file for userid under spool: *id, and its `.tmp` file open rw in *fd. */
int reader_open_tmp(const char *spool, const char *userid, int *id, int *fd);
/* The `.tmp` file of id becomes `NNNN.<type>` (written and fsync()ed); 0 or -errno. */
int reader_publish(const char *spool, const char *userid, int id, const char *type);
/* Removes the `.tmp` file of id (the writer failed). */
void reader_discard(const char *spool, const char *userid, int id);
/* The path of reader file id of type into buf. */
void reader_path(const char *spool, const char *userid, int id, const char *type, char *buf,
		 size_t size);

#endif
