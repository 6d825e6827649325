/* SPDX-License-Identifier: MIT */
#ifndef RVCP_SPOOL_H
#define RVCP_SPOOL_H
/*
 * The spool: system data files holding Named Saved Systems (DESIGN §3).
 *
 * One file per spool id, `NNNN.nss` in the spool folder:
 *
 *   0          struct spool_hdr          magic, version, name, class, dates,
 *                                        MINSIZE, RSTD, PARMREGS, counts
 *   hdr_size   struct spool_range [n]    DEFSYS ranges: pages, type, where the
 *                                        saved data lies, its XXH3 hash
 *              struct spool_disk  [d]    saver's minidisks (vdev, size)
 *              struct hart_state         saver's hart (hart_size bytes)
 *              device state              machine_save_state() (dev_size bytes)
 *   meta_len   ---- XXH3-64 of [0, meta_len) with hdr.checksum = 0 ----
 *   data_off   page data, page aligned:  one block per saved range (EW, ER,
 *                                        SR, SW), so each range can be
 *                                        mmap()ed straight from the file
 *   file_size
 *
 * A skeleton (class S, made by DEFSYS) has no disks, no hart and no data.
 * A shared segment (DEFSEG, SAVESEG; type "DCSS" instead of "NSS") is the
 * same file without disks and hart: pages only, saved by CP itself from
 * the builder's exclusive copy (spool_save_fill).  Systems and segments
 * share one name space, as in z/VM.
 * Classes on disk are S, A and R; P (pending purge) is the state of a file
 * that was purged or replaced while guests still use it: it is renamed to
 * `NNNN.pend` (mappings stay valid) and unlinked when its last user leaves.
 *
 * Checking cost: the header checksum is verified whenever a file is opened
 * (catalogue scan, the IPL that activates it).  The data hashes (XXH3, some GB/s) are verified when
 * a saved system gets its first user, i.e. once per activation rather than
 * per IPL: ~1 ms for the 5 MiB of the seed's LXSHR.  Files are never written
 * after the rename that publishes them.
 *
 * Writes are atomic: a file is built under a temporary name, fsync()ed,
 * renamed over its final name, and the folder is fsync()ed.  DEFSYS writes
 * `NNNN.tmp`; at SAVESYS the VM process writes its pages into `NNNN.tmp`,
 * then CP copies them (holes stay holes) into `NNNN.new`, which no VM ever
 * had open, and publishes that one: a VM that kept its descriptor cannot
 * change a saved system later.  Leftover `.tmp`, `.new` and `.pend` files
 * are removed when the catalogue is loaded (no VM survives a restart of CP,
 * so nobody can be using a pending-purge file then).
 *
 * The catalogue is the folder itself: spool_load() scans it and reads every
 * header; there is no separate index to get out of step.  A damaged file is
 * left out with a reason naming what is wrong, never mapped.  If a crash
 * left two saved systems of one name, the newest save (hdr.seq) wins.  Spool
 * ids go up past every id seen on disk and wrap after 9999, as in z/VM.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define SPOOL_MAGIC	 "RVCPNSS\x1a"
#define SPOOL_VERSION	 1
#define SPOOL_MAX_RANGES 64
#define SPOOL_MAX_DISKS	 16
#define SPOOL_MAX_USERS	 4096
#define SPOOL_MAX_PAGE	 0xfffffu /* highest DEFSYS page: 4 GiB of storage */
#define SPOOL_SEG_PAGES	 256u	  /* a 1 MiB segment */
#define SPOOL_NAME_MAX	 8
#define SPOOL_PAGE	 4096ull

/* DEFSYS page types. */
enum spool_pgtype {
	SPOOL_EW,
	SPOOL_ER,
	SPOOL_EN,
	SPOOL_SR,
	SPOOL_SW,
	SPOOL_SN,
	SPOOL_SC,
	SPOOL_NTYPES,
};

const char *spool_pgtype_name(enum spool_pgtype t);
int spool_pgtype_parse(const char *s); /* -1 if not a type */
bool spool_pgtype_shared(enum spool_pgtype t);
/* Whether SAVESYS writes the range's pages (not EN, SN, SC). */
bool spool_pgtype_saved(enum spool_pgtype t);

/* ---- DEFSYS (spool/defsys.c) ---- */

struct defsys_range {
	uint32_t first, last; /* pages, inclusive */
	uint8_t type;	      /* enum spool_pgtype */
};

struct defsys {
	char name[SPOOL_NAME_MAX + 1]; /* upper case */
	struct defsys_range r[SPOOL_MAX_RANGES];
	int nranges;	  /* sorted by first page */
	uint64_t minsize; /* bytes; 0 = none */
	bool rstd;
	int parm_lo, parm_hi; /* PARMREGS=m-n, -1 when not given */
	bool segment;	      /* DEFSEG: a DCSS (file type "DCSS"), not an NSS */
};

enum defsys_err {
	DEFSYS_OK,
	DEFSYS_ENONAME,	  /* name missing */
	DEFSYS_EBADNAME,  /* name not 1-8 characters of A-Z 0-9 @ # $ _ */
	DEFSYS_ENORANGE,  /* no page range */
	DEFSYS_EBADRANGE, /* not hex, start > end, beyond SPOOL_MAX_PAGE */
	DEFSYS_ENOTYPE,	  /* range without a type */
	DEFSYS_EBADTYPE,  /* unknown page type */
	DEFSYS_EOVERLAP,  /* ranges overlap */
	DEFSYS_ESEGMENT,  /* shared and exclusive pages in one segment */
	DEFSYS_EMINSIZE,  /* bad MINSIZE value */
	DEFSYS_EPARMREGS, /* bad PARMREGS value */
	DEFSYS_EDUP,	  /* option given twice */
	DEFSYS_ETOOMANY,  /* more than SPOOL_MAX_RANGES ranges */
	DEFSYS_EOPTION,	  /* unknown operand after the ranges */
};

/*
 * Parse the operands of DEFSYS (argv[0] is the name, not the command).
 * On error, *bad points at the offending operand (or NULL) and, for
 * DEFSYS_ESEGMENT, *seg is the segment number.
 */
enum defsys_err defsys_parse(int argc, char *const argv[], struct defsys *d, const char **bad,
			     uint32_t *seg);
/*
 * DEFSEG: a shared segment (DCSS) takes DEFSYS's operands, and more
 * checks, because each segment is one persistent-memory region of the
 * guests that use it (Linux DAX maps it 2 MiB at a time): its ranges
 * follow each other without a gap, start and end on a 2 MiB boundary
 * (SPOOL_DCSS_ALIGN pages), and have no SC pages (no CP-writable part);
 * MINSIZE and PARMREGS (of a system's IPL) do not apply.
 */
#define SPOOL_DCSS_ALIGN 0x200u
enum defseg_err {
	DEFSEG_OK,
	DEFSEG_EALIGN,	/* *page: the first or last+1 page that is not aligned */
	DEFSEG_EGAP,	/* *page: the first page after a gap */
	DEFSEG_ETYPE,	/* *page: first page of an SC range */
	DEFSEG_EOPTION, /* MINSIZE or PARMREGS given */
};
enum defseg_err defseg_check(const struct defsys *d, uint32_t *page);

/* Formats the ranges as DEFSYS operands ("0-FF EW 100-2FF SR ..."). */
void defsys_format(const struct defsys *d, char *buf, size_t len);

/* ---- The file format (spool/spool.c) ---- */

struct spool_hdr {
	char magic[8];
	uint32_t version;
	uint32_t hdr_size; /* sizeof(struct spool_hdr) */
	uint32_t meta_len; /* bytes covered by the checksum */
	uint16_t spoolid;
	uint8_t cls;   /* 'S', 'A' or 'R' */
	uint8_t rstd;  /* 1 = RSTD */
	char name[16]; /* NUL padded */
	char type[8];  /* "NSS" */
	char owner[16];
	int64_t ctime; /* seconds since the epoch: DEFSYS, then SAVESYS */
	int64_t seq;   /* CLOCK_REALTIME ns of the save: the newest of a name wins */
	uint64_t minsize;
	int32_t parm_lo, parm_hi;
	uint16_t nranges, ndisks;
	uint32_t hart_size; /* sizeof(struct hart_state) at SAVESYS; 0 in a skeleton */
	uint64_t mem_size;  /* the saver's storage */
	uint64_t data_off;  /* first data page */
	uint64_t file_size;
	uint64_t checksum; /* XXH3-64 of [0, meta_len) with this field zero */
	uint32_t dev_size; /* device state after the hart state; 0: none */
	uint32_t pad;
	uint8_t reserved[112];
};

struct spool_range {
	uint32_t first, last;
	uint8_t type;
	uint8_t pad[7];
	uint64_t off;  /* file offset of the data, 0 when not saved */
	uint64_t hash; /* XXH3-64 of the data, 0 when not saved */
};

struct spool_disk {
	uint16_t vdev;
	uint8_t pad[6];
	uint64_t size; /* bytes */
};

/* A spool file's metadata in memory. */
struct spool_meta {
	struct spool_hdr hdr;
	struct spool_range r[SPOOL_MAX_RANGES];
	struct spool_disk disk[SPOOL_MAX_DISKS];
	uint8_t *hart; /* hart_size + dev_size bytes, malloc()ed; NULL in a skeleton */
};

/*
 * Reads and checks the metadata of an open spool file: magic, version,
 * checksum, counts, ranges against the file's size.  Returns 0, or -errno
 * with a reason ("checksum mismatch", ...) in why.
 */
int spool_meta_read(int fd, struct spool_meta *m, char *why, size_t whylen);
/* Hashes every saved range of an open file and compares with the header. */
int spool_data_verify(int fd, const struct spool_meta *m, char *why, size_t whylen);
void spool_meta_free(struct spool_meta *m);
/* Bytes of metadata (header, ranges, disks, hart) a header describes. */
uint64_t spool_meta_len(const struct spool_hdr *h);
/* Sets meta_len and checksum and writes the metadata at offset 0. */
int spool_meta_write(int fd, struct spool_meta *m);
/* XXH3-64 of [off, off+len) of a file; *err is 0 or -errno. */
uint64_t spool_data_hash(int fd, uint64_t off, uint64_t len, int *err);
/* Bytes of page data a range occupies in the file (0 unless saved). */
uint64_t spool_range_bytes(const struct spool_range *r);

/* ---- The catalogue (spool/catalog.c) ---- */

struct spool_file {
	struct spool_file *next;
	struct spool_meta meta;
	char cls;      /* 'S', 'A', 'R' or 'P' */
	bool verified; /* data hashes checked since it last had no users */
	bool saving;   /* a skeleton with a SAVESYS in progress */
	/* Users of the saved system (IPLed it and have not left). */
	char (*users)[SPOOL_NAME_MAX + 1];
	int nusers, maxusers;
	/*
	 * While the system has users: one memfd for its SW and SN ranges
	 * (read/write for every user), one for its SC ranges (CP's, read/write)
	 * and a read-only descriptor of that one for the VMs, so that not
	 * even a subverted VM process can store into SC pages.
	 */
	int memfd, scfd, scfd_ro;
	uint64_t memfd_size, scfd_size;
	/*
	 * While the system has users: what they map and read (its pages, its
	 * hart) is this sealed memfd copy of the spool file, made and verified
	 * when it got its first user.  Nobody can change it, not even by
	 * truncating or overwriting the spool file, which matters only to the
	 * next activation (whose checks then refuse a damaged file).
	 */
	int datafd;
};

struct spool {
	char *dir;
	int dirfd;
	struct spool_file *files; /* sorted by spool id */
	unsigned last_id;	  /* the last spool id given out (or seen on disk) */
	void (*log)(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
};

/*
 * Opens name in dirfd for reading if it is a regular file (never waits on
 * a FIFO, never follows a symbolic link): the descriptor, -EMEDIUMTYPE for
 * anything else, or -errno.  Such files are skipped, with a log line.
 */
int spool_open_regular(int dirfd, const char *name);
/* Opens a spool folder (created if missing) and loads its catalogue. */
int spool_load(struct spool *sp, const char *dir);
void spool_close(struct spool *sp);

struct spool_file *spool_by_id(struct spool *sp, unsigned id);
/* The current saved system (class A or R) or, if saved is false, the skeleton. */
struct spool_file *spool_by_name(struct spool *sp, const char *name, bool saved);

/* DEFSYS: writes a skeleton (replacing an older skeleton of that name);
 * -EBUSY while that one is being saved. */
int spool_defsys(struct spool *sp, const struct defsys *d, const char *owner,
		 struct spool_file **out);
/* The DEFSYS operands of a file. */
void spool_file_defsys(const struct spool_file *f, struct defsys *d);
/* A shared segment (DEFSEG, file type DCSS) rather than a system. */
bool spool_file_segment(const struct spool_file *f);

/* One step of laying a saved system over storage, or of saving it. */
struct spool_map {
	uint64_t real, len; /* bytes */
	uint64_t off;	    /* in the spool file, or the memfd, of src */
	uint8_t src;	    /* SPOOL_SRC_* */
	uint8_t kind;	    /* enum mem_map_kind */
	uint8_t type;	    /* enum spool_pgtype */
	uint8_t fd;	    /* in a message to the VM: index of src's descriptor */
	uint8_t pad[4];
};
/* Where a range comes from: nothing (EN), the file, f->memfd, f->scfd_ro. */
enum { SPOOL_SRC_ZERO, SPOOL_SRC_FILE, SPOOL_SRC_MEMFD, SPOOL_SRC_SCFD };

/* SAVESYS in progress: the temporary file and where its parts go. */
struct spool_save {
	struct spool_file *skel;
	int fd; /* the temporary file, read/write */
	char tmp[32];
	struct spool_meta meta;
	struct spool_map map[SPOOL_MAX_RANGES]; /* the saved ranges */
	int nmap;
	uint64_t hart_off; /* where the saver writes its struct hart_state, then
			    * its device state (dev_size bytes) */
};

/*
 * SAVESYS, step 1: creates the temporary file for the skeleton of name,
 * sized and laid out; the saver then writes each map[i] (real..real+len of
 * its storage at offset off) and its hart state at hart_off into sv->fd.
 * mem_size is the saver's storage; ranges beyond it are refused (-ERANGE).
 */
int spool_save_begin(struct spool *sp, const char *name, uint64_t mem_size,
		     const struct spool_disk *disks, int ndisks, uint32_t hart_size,
		     uint32_t dev_size, struct spool_save *sv);
/*
 * Step 2: hashes the data, writes the header, syncs and publishes the
 * file (class A, or R when RSTD).  An older saved system of the same name
 * becomes class P when in use, otherwise it is deleted.
 */
int spool_save_commit(struct spool *sp, struct spool_save *sv, struct spool_file **out);
void spool_save_abort(struct spool *sp, struct spool_save *sv);
/*
 * SAVESEG, between the two steps: CP itself fills the temporary file from
 * the exclusive copy fd, which holds the pages from real address base on
 * (zero pages stay holes).
 */
int spool_save_fill(struct spool_save *sv, int fd, uint64_t base);
/*
 * A segment's exclusive copy: a memfd of size bytes holding the pages from
 * real address base on, filled from the saved segment from (verified
 * first; only its pages inside the new bounds) or all zero when from is
 * NULL.  *fd is the caller's.
 */
int spool_seg_copy(struct spool *sp, struct spool_file *from, uint64_t base, uint64_t size, int *fd,
		   char *why, size_t whylen);

/* PURGE NSS: deletes the file, or makes it class P while it has users;
 * -EBUSY for a skeleton being saved. */
int spool_purge(struct spool *sp, struct spool_file *f);

/*
 * IPL name: the user starts using a saved system.  When it had no users:
 * checks the spool file's header, copies the file into f->datafd (sealed)
 * and verifies the data there, and creates the memfd for SW/SN/SC ranges.
 * A user who joins later gets the same copy, whatever became of the spool
 * file.  Fills map[] (up to SPOOL_MAX_RANGES) with what to lay over
 * storage.  *fd is a new read-only descriptor of f->datafd for the VM (the
 * caller closes it after passing it on); f->memfd and f->scfd_ro are passed
 * as they are (CP keeps them).
 */
int spool_attach(struct spool *sp, struct spool_file *f, const char *user, int *fd,
		 struct spool_map *map, int *nmap, char *why, size_t whylen);
/* A user whose VM a previous CP IPLed from f (cp/vmctl.h) counts as f's
 * user without an activation of this CP's: the next spool_attach makes its
 * own copy.  0 or -errno. */
int spool_adopt_user(struct spool *sp, struct spool_file *f, const char *user);
/* The user left (LOGOFF, re-IPL, SYSTEM CLEAR): last one out frees the memfd
 * and deletes a class P file. */
void spool_detach(struct spool *sp, struct spool_file *f, const char *user);
/* The saved system the user is attached to, or NULL. */
struct spool_file *spool_user_file(struct spool *sp, const char *user);

/*
 * Saved systems that come from elsewhere (an SSI member, ssi/ssi.h), each
 * known by its header checksum (hdr.checksum, which covers the metadata and
 * so the XXH3 of every range's data):
 *   spool_find_checksum  a read-only descriptor of the NNNN.nss in dirfd
 *                        whose header has that checksum (its id in *id), or
 *                        -ENOENT; reads only the folder, so any thread may
 *   spool_import         fd (e.g. an O_TMPFILE in the folder) holds a file
 *                        fetched from another member: its metadata and every
 *                        range are checked against checksum, then it is
 *                        linked in as NNNN.nss (its own id when free here,
 *                        else a new one) and catalogued as saved; an older
 *                        one of its name goes (class P while in use)
 *   spool_adopt          a folder shared with other members: the file of
 *                        that checksum someone else wrote there is checked
 *                        and catalogued (replacing what this member had
 *                        read of that spool id, e.g. the skeleton that
 *                        SAVESYS at the other member saved over)
 * Both refuse (-ESTALE) a file older than the one of its name here.
 */
int spool_find_checksum(int dirfd, uint64_t checksum, unsigned *id);
int spool_import(struct spool *sp, int fd, uint64_t checksum, struct spool_file **out, char *why,
		 size_t whylen);
int spool_adopt(struct spool *sp, uint64_t checksum, struct spool_file **out, char *why,
		size_t whylen);

/* Number of 4 KiB pages of data and of the whole DEFSYS definition. */
uint64_t spool_file_pages(const struct spool_file *f);
/* QUERY NSS style timestamp fields: "MM/DD" and "HH:MM:SS" (local time). */
void spool_file_date(const struct spool_file *f, char date[6], char tm[9]);

#endif
