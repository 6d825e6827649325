/* SPDX-License-Identifier: MIT */
#ifndef RVCP_CP_DIRECTORY_H
#define RVCP_CP_DIRECTORY_H
/*
 * The user directory (DESIGN §4), one statement a line, '*' starts a comment:
 *
 *   USER id password storage maxstorage classes
 *   MDISK vdev IMAGE path mode          mode R, RR, W or MR
 *   LINK owner vdev vdev2 mode          owner's vdev as this user's vdev2
 *   NAMESAVE name                       may IPL the restricted system name
 *                                       (or use the restricted segment name)
 *   SEGMENT name [EXCLUSIVE]            a shared segment (DCSS) the user's
 *                                       guest gets at every IPL (cp/nss.h);
 *                                       EXCLUSIVE: a private writable copy
 *                                       to build it (class E)
 *   IPL vdev|name [PARM text]           what AUTOLOG/XAUTOLOG IPLs
 *   NICDEF vdev [TYPE QDIO] [DEVICES n] [LAN owner name]
 *                                       a virtual NIC (virtio-net), coupled at
 *                                       LOGON to guest LAN or VSWITCH name
 *                                       (owner SYSTEM, or the LAN's user)
 *   MACHINE ESA [n]                     the most virtual CPUs the user may
 *                                       have (1 to 8 in rvcp; 1 without it)
 *   CPU nn [BASE]                       virtual CPU nn (hex 00-3F) defined at
 *                                       LOGON; BASE (else the lowest) is the
 *                                       guest's boot hart 0, the others follow
 *                                       in address order; no more than MACHINE
 *                                       allows (so MACHINE comes first)
 *   OPTION CPU INTERP|JIT|LOCKSTEP      (rvcp) the CPU engine of the user's VM:
 *                                       the interpreter, the translator, or
 *                                       both compared (a checking mode); without
 *                                       it the VM takes rvcp's default (cpu/cpu.h)
 *
 * Storage sizes are nnnK, nnnM or nnnG.  Image paths are relative to the
 * directory file.  A password is a crypt(3) hash (starting with '$') or
 * plaintext (a warning at start); NOLOG: nobody may log on; AUTOONLY: only
 * AUTOLOG/XAUTOLOG may start the user.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DIR_ID_MAX	 8
#define DIR_MAX_SEGS	 8    /* MACHINE_MAX_SEGMENTS */
#define DIR_MAX_CPUS	 8    /* MACHINE_MAX_CPUS */
#define DIR_CPU_ADDR_MAX 0x3f /* virtual CPU addresses 00-3F, as z/VM's */

enum dir_mode {
	DIR_MODE_R,  /* read-only, refused while another user has write access */
	DIR_MODE_RR, /* read-only, always */
	DIR_MODE_W,  /* write, refused while another user has any write access */
	DIR_MODE_MR, /* write if nobody else writes, else read-only */
};

struct dir_disk {
	uint16_t vdev;
	char *path; /* absolute path of the image */
	enum dir_mode mode;
	char owner[DIR_ID_MAX + 1]; /* the MDISK's owner (this user, or LINK's owner) */
	uint16_t owner_vdev;
	int line;
};

struct dir_nic {
	uint16_t vdev;
	char lan_owner[DIR_ID_MAX + 1]; /* "SYSTEM" or a userid; "" = not coupled */
	char lan[DIR_ID_MAX + 1];
	int line;
};

struct dir_seg {
	char name[DIR_ID_MAX + 1]; /* upper case */
	bool exclusive;
	int line;
};

struct dir_user {
	char id[DIR_ID_MAX + 1];
	char *password;
	bool hashed;	  /* password is a crypt(3) hash */
	uint64_t storage; /* bytes */
	uint64_t maxstorage;
	char classes[40];
	struct dir_disk *disks;
	int ndisks;
	char **namesave;
	int nnamesave;
	struct dir_seg *segs; /* SEGMENT statements, in order */
	int nsegs;
	struct dir_nic *nics;
	int nnics;
	char *ipl;	/* IPL statement operand, NULL if none */
	char *ipl_parm; /* its PARM text, NULL if none */
	char cpu[12];	/* OPTION CPU, lower case ("jit"), "" if none */
	int maxcpus;	/* MACHINE ESA n; 1 without */
	uint64_t cpus;	/* CPU statements: bit n = address n; 0: none (CPU 00 alone) */
	int base_cpu;	/* the BASE CPU's address, -1: the lowest */
	int line;
};

struct directory {
	char *path;
	struct dir_user *users;
	int nusers, maxusers;
	int plaintext; /* users with plaintext passwords */
	/* dir_find's hash index: user numbers + 1 (0: free), open addressing. */
	int *index;
	size_t index_size; /* a power of two, at least twice nusers */
	int refs;	   /* CP's directory on line and each user logged on from it */
};

/* Reads and checks the directory; on error err says "file:line: what". */
int dir_load(const char *path, struct directory **out, char *err, size_t errlen);
void dir_free(struct directory *d);
/*
 * DIRECTXA replaces the directory on line while users are logged on: each
 * logged-on user keeps the entry it logged on with (a changed or removed
 * entry takes effect at its next LOGON), so a user holds a reference to
 * its directory.  dir_load's directory has one reference; the last
 * dir_unref frees it.
 */
struct directory *dir_ref(struct directory *d);
void dir_unref(struct directory *d);
struct dir_user *dir_find(const struct directory *d, const char *id);
/* In CP's loop, for privileged commands (AUTOLOG with a password); a
 * terminal's LOGON checks through cp/pwcheck.h, off the loop. */
bool dir_check_password(const struct dir_user *u, const char *password);
/* Not NOLOG or AUTOONLY: a password may log it on. */
bool dir_may_logon(const struct dir_user *u);
struct crypt_data;
/* stored: a crypt(3) hash (hashed) or a plaintext password. */
bool dir_password_matches(const char *stored, bool hashed, const char *password,
			  struct crypt_data *cd);
bool dir_user_has_class(const struct dir_user *u, const char *classes);
bool dir_namesave(const struct dir_user *u, const char *name);
/* "64M" -> bytes; 0 or -EINVAL. */
int dir_parse_size(const char *s, uint64_t *out);
/* bytes -> "64M" (the largest unit that divides it). */
void dir_format_size(uint64_t bytes, char *buf, size_t size);
const char *dir_mode_name(enum dir_mode m);

#endif
