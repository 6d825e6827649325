// SPDX-License-Identifier: MIT
/* The user directory: parser and checks (cp/directory.h). */
#include <crypt.h>
#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cp/directory.h"
#include "util/log.h"

#define MAX_TOKENS 16

struct dir_parser {
	struct directory *d;
	const char *file;
	char *dirname; /* folder of the directory file */
	int line;
	char *err;
	size_t errlen;
	/* LINK statements are resolved once all MDISKs are known. */
	struct pending_link {
		int user, line;
		char owner[DIR_ID_MAX + 1];
		uint16_t vdev, vdev2;
		enum dir_mode mode;
	} * links;
	int nlinks;
};

static int dir_error(struct dir_parser *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int dir_error(struct dir_parser *p, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(p->err, p->errlen, "%s:%d: ", p->file, p->line);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < p->errlen)
		vsnprintf(p->err + n, p->errlen - n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int dir_parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	uint64_t unit;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -EINVAL;
	switch (toupper((unsigned char)*end)) {
	case 'K':
		unit = 1ULL << 10;
		break;
	case 'M':
		unit = 1ULL << 20;
		break;
	case 'G':
		unit = 1ULL << 30;
		break;
	default:
		return -EINVAL;
	}
	if (end[1] || v == 0 || v > (1ULL << 40) / unit)
		return -EINVAL;
	*out = v * unit;
	return 0;
}

void dir_format_size(uint64_t bytes, char *buf, size_t size)
{
	if (bytes && !(bytes & ((1ULL << 30) - 1)))
		snprintf(buf, size, "%lluG", (unsigned long long)(bytes >> 30));
	else if (bytes && !(bytes & ((1ULL << 20) - 1)))
		snprintf(buf, size, "%lluM", (unsigned long long)(bytes >> 20));
	else
		snprintf(buf, size, "%lluK", (unsigned long long)(bytes >> 10));
}

const char *dir_mode_name(enum dir_mode m)
{
	static const char *const names[] = {"R", "RR", "W", "MR"};

	return names[m];
}

static int dir_parse_mode(const char *s, enum dir_mode *m)
{
	for (int i = DIR_MODE_R; i <= DIR_MODE_MR; i++) {
		if (!strcasecmp(s, dir_mode_name(i))) {
			*m = i;
			return 0;
		}
	}
	return -EINVAL;
}

static int dir_parse_vdev(const char *s, uint16_t *vdev)
{
	char *end;
	unsigned long v;

	if (!*s || strlen(s) > 4 || !isxdigit((unsigned char)*s))
		return -EINVAL;
	v = strtoul(s, &end, 16);
	if (*end)
		return -EINVAL;
	*vdev = v;
	return 0;
}

static bool dir_valid_id(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > DIR_ID_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("@#$_-", s[i]))
			return false;
	return true;
}

static void dir_upper(char *s)
{
	for (; *s; s++)
		*s = toupper((unsigned char)*s);
}

/* FNV-1a of the id in upper case: dir_find matches without regard to case. */
static size_t dir_hash(const char *id)
{
	uint32_t h = 2166136261u;

	for (; *id; id++)
		h = (h ^ (uint32_t)toupper((unsigned char)*id)) * 16777619u;
	return h;
}

static void dir_index_put(int *index, size_t size, size_t i, const char *id)
{
	size_t k = dir_hash(id) & (size - 1);

	while (index[k])
		k = (k + 1) & (size - 1);
	index[k] = (int)i + 1;
}

/* Users are added to the index as they are read: loading is linear. */
static int dir_index_add(struct directory *d, int i, const char *id)
{
	if ((size_t)(i + 1) * 2 > d->index_size) {
		size_t size = d->index_size ? d->index_size * 2 : 64;
		int *index = calloc(size, sizeof(*index));

		if (!index)
			return -ENOMEM;
		for (int j = 0; j < i; j++)
			dir_index_put(index, size, j, d->users[j].id);
		free(d->index);
		d->index = index;
		d->index_size = size;
	}
	dir_index_put(d->index, d->index_size, i, id);
	return 0;
}

static struct dir_user *dir_current(struct dir_parser *p)
{
	return p->d->nusers ? &p->d->users[p->d->nusers - 1] : NULL;
}

static int dir_stmt_user(struct dir_parser *p, char **tok, int ntok)
{
	struct directory *d = p->d;
	struct dir_user *u, *nu;

	if (ntok != 6)
		return dir_error(p, "USER needs: USER id password storage maxstorage classes");
	dir_upper(tok[1]);
	if (!dir_valid_id(tok[1]))
		return dir_error(p, "bad user id '%s' (1 to 8 letters and digits)", tok[1]);
	if (dir_find(d, tok[1]))
		return dir_error(p, "user %s defined twice", tok[1]);
	if (d->nusers == d->maxusers) {
		int n = d->maxusers ? d->maxusers * 2 : 16;

		nu = realloc(d->users, n * sizeof(*nu));
		if (!nu)
			return dir_error(p, "out of memory");
		d->users = nu;
		d->maxusers = n;
	}
	if (dir_index_add(d, d->nusers, tok[1]))
		return dir_error(p, "out of memory");
	u = &d->users[d->nusers++];
	memset(u, 0, sizeof(*u));
	u->line = p->line;
	strcpy(u->id, tok[1]);
	u->password = strdup(tok[2]);
	if (!u->password)
		return dir_error(p, "out of memory");
	u->hashed = tok[2][0] == '$';
	if (!u->hashed && strcasecmp(tok[2], "NOLOG") && strcasecmp(tok[2], "AUTOONLY")) {
		d->plaintext++;
		log_warn("%s:%d: user %s has a plaintext password (use a crypt(3) hash)", p->file,
			 p->line, u->id);
	}
	if (dir_parse_size(tok[3], &u->storage) || (u->storage & 0xfff))
		return dir_error(p, "bad storage size '%s' (like 64M, 1G, 512K)", tok[3]);
	if (dir_parse_size(tok[4], &u->maxstorage) || (u->maxstorage & 0xfff))
		return dir_error(p, "bad maximum storage size '%s' (like 64M, 1G, 512K)", tok[4]);
	if (u->storage > u->maxstorage)
		return dir_error(p, "storage %s exceeds maximum storage %s", tok[3], tok[4]);
	if (strlen(tok[5]) >= sizeof(u->classes))
		return dir_error(p, "too many privilege classes '%s'", tok[5]);
	dir_upper(tok[5]);
	for (char *c = tok[5]; *c; c++)
		if (!isupper((unsigned char)*c) && !(*c >= '1' && *c <= '6'))
			return dir_error(p, "bad privilege class '%c' (A-Z, 1-6)", *c);
	strcpy(u->classes, tok[5]);
	u->maxcpus = 1;
	u->base_cpu = -1;
	return 0;
}

static int dir_add_disk(struct dir_parser *p, struct dir_user *u, const struct dir_disk *disk)
{
	struct dir_disk *nd;

	for (int i = 0; i < u->ndisks; i++)
		if (u->disks[i].vdev == disk->vdev)
			return dir_error(p, "virtual device %04X defined twice for %s", disk->vdev,
					 u->id);
	nd = realloc(u->disks, (u->ndisks + 1) * sizeof(*nd));
	if (!nd)
		return dir_error(p, "out of memory");
	u->disks = nd;
	u->disks[u->ndisks++] = *disk;
	return 0;
}

static int dir_stmt_mdisk(struct dir_parser *p, char **tok, int ntok)
{
	struct dir_user *u = dir_current(p);
	struct dir_disk disk = {.line = p->line};
	struct stat st;
	int rc;

	if (!u)
		return dir_error(p, "MDISK before any USER statement");
	if (ntok != 5 || strcasecmp(tok[2], "IMAGE"))
		return dir_error(p, "MDISK needs: MDISK vdev IMAGE path mode");
	if (dir_parse_vdev(tok[1], &disk.vdev))
		return dir_error(p, "bad virtual device number '%s' (hexadecimal, 0-FFFF)", tok[1]);
	if (dir_parse_mode(tok[4], &disk.mode))
		return dir_error(p, "bad link mode '%s' (R, RR, W or MR)", tok[4]);
	if (tok[3][0] == '/')
		disk.path = strdup(tok[3]);
	else if (asprintf(&disk.path, "%s/%s", p->dirname, tok[3]) < 0)
		disk.path = NULL;
	if (!disk.path)
		return dir_error(p, "out of memory");
	if (stat(disk.path, &st) < 0)
		log_warn("%s:%d: image %s: %s (linking it will fail)", p->file, p->line, disk.path,
			 strerror(errno));
	strcpy(disk.owner, u->id);
	disk.owner_vdev = disk.vdev;
	rc = dir_add_disk(p, u, &disk);
	if (rc)
		free(disk.path);
	return rc;
}

static int dir_stmt_link(struct dir_parser *p, char **tok, int ntok)
{
	struct pending_link l = {.line = p->line, .user = p->d->nusers - 1};
	struct pending_link *nl;

	if (!dir_current(p))
		return dir_error(p, "LINK before any USER statement");
	if (ntok != 5)
		return dir_error(p, "LINK needs: LINK owner vdev vdev2 mode");
	dir_upper(tok[1]);
	if (!dir_valid_id(tok[1]))
		return dir_error(p, "bad user id '%s'", tok[1]);
	strcpy(l.owner, tok[1]);
	if (dir_parse_vdev(tok[2], &l.vdev))
		return dir_error(p, "bad virtual device number '%s'", tok[2]);
	if (dir_parse_vdev(tok[3], &l.vdev2))
		return dir_error(p, "bad virtual device number '%s'", tok[3]);
	if (dir_parse_mode(tok[4], &l.mode))
		return dir_error(p, "bad link mode '%s' (R, RR, W or MR)", tok[4]);
	nl = realloc(p->links, (p->nlinks + 1) * sizeof(*nl));
	if (!nl)
		return dir_error(p, "out of memory");
	p->links = nl;
	p->links[p->nlinks++] = l;
	return 0;
}

static int dir_stmt_namesave(struct dir_parser *p, char **tok, int ntok)
{
	struct dir_user *u = dir_current(p);
	char **nn;

	if (!u)
		return dir_error(p, "NAMESAVE before any USER statement");
	if (ntok != 2 || strlen(tok[1]) > 8)
		return dir_error(p, "NAMESAVE needs one system name of 1 to 8 characters");
	nn = realloc(u->namesave, (u->nnamesave + 1) * sizeof(*nn));
	if (!nn)
		return dir_error(p, "out of memory");
	u->namesave = nn;
	dir_upper(tok[1]);
	u->namesave[u->nnamesave] = strdup(tok[1]);
	if (!u->namesave[u->nnamesave])
		return dir_error(p, "out of memory");
	u->nnamesave++;
	return 0;
}

/* SEGMENT name [EXCLUSIVE] */
static int dir_stmt_segment(struct dir_parser *p, char **tok, int ntok)
{
	struct dir_user *u = dir_current(p);
	struct dir_seg *ns;

	if (!u)
		return dir_error(p, "SEGMENT before any USER statement");
	if (ntok < 2 || ntok > 3 || strlen(tok[1]) > 8 ||
	    (ntok == 3 && strcasecmp(tok[2], "EXCLUSIVE")))
		return dir_error(p, "SEGMENT needs a segment name of 1 to 8 characters and "
				    "optionally EXCLUSIVE");
	dir_upper(tok[1]);
	for (int i = 0; i < u->nsegs; i++)
		if (!strcmp(u->segs[i].name, tok[1]))
			return dir_error(p, "segment %s given twice", tok[1]);
	if (u->nsegs == DIR_MAX_SEGS)
		return dir_error(p, "more than %d SEGMENT statements", DIR_MAX_SEGS);
	ns = realloc(u->segs, (u->nsegs + 1) * sizeof(*ns));
	if (!ns)
		return dir_error(p, "out of memory");
	u->segs = ns;
	memset(&ns[u->nsegs], 0, sizeof(ns[0]));
	snprintf(ns[u->nsegs].name, sizeof(ns[0].name), "%s", tok[1]);
	ns[u->nsegs].exclusive = ntok == 3;
	ns[u->nsegs].line = p->line;
	u->nsegs++;
	return 0;
}

/* NICDEF's operands after the vdev: TYPE QDIO, DEVICES n, LAN owner name. */
static int dir_nicdef_opts(struct dir_parser *p, struct dir_nic *n, char **tok, int ntok)
{
	for (int i = 2; i < ntok; i += 2) {
		if (i + 1 >= ntok)
			return dir_error(p, "NICDEF: %s needs a value", tok[i]);
		if (!strcasecmp(tok[i], "TYPE")) {
			if (strcasecmp(tok[i + 1], "QDIO"))
				return dir_error(p, "NICDEF: TYPE %s not supported (QDIO)",
						 tok[i + 1]);
		} else if (!strcasecmp(tok[i], "DEVICES")) {
			continue; /* z/VM's device count: one virtio device here */
		} else if (!strcasecmp(tok[i], "LAN") && i + 2 < ntok) {
			dir_upper(tok[i + 1]);
			dir_upper(tok[i + 2]);
			if (!dir_valid_id(tok[i + 1]) || !dir_valid_id(tok[i + 2]))
				return dir_error(p, "NICDEF: bad LAN owner or name");
			strcpy(n->lan_owner, tok[i + 1]);
			strcpy(n->lan, tok[i + 2]);
			i++;
		} else
			return dir_error(p, "NICDEF: unknown operand '%s'", tok[i]);
	}
	return 0;
}

static int dir_stmt_nicdef(struct dir_parser *p, char **tok, int ntok)
{
	struct dir_user *u = dir_current(p);
	struct dir_nic n = {.line = p->line}, *nn;
	int rc;

	if (!u)
		return dir_error(p, "NICDEF before any USER statement");
	if (ntok < 2)
		return dir_error(p, "NICDEF needs: NICDEF vdev TYPE QDIO [LAN owner name]");
	if (dir_parse_vdev(tok[1], &n.vdev))
		return dir_error(p, "bad virtual device number '%s'", tok[1]);
	rc = dir_nicdef_opts(p, &n, tok, ntok);
	if (rc)
		return rc;
	for (int i = 0; i < u->ndisks; i++)
		if (u->disks[i].vdev == n.vdev)
			return dir_error(p, "virtual device %04X defined twice for %s", n.vdev,
					 u->id);
	for (int i = 0; i < u->nnics; i++)
		if (u->nics[i].vdev == n.vdev)
			return dir_error(p, "virtual device %04X defined twice for %s", n.vdev,
					 u->id);
	nn = realloc(u->nics, (u->nnics + 1) * sizeof(*nn));
	if (!nn)
		return dir_error(p, "out of memory");
	u->nics = nn;
	u->nics[u->nnics++] = n;
	return 0;
}

/* IPL vdev|name [PARM text]: the PARM text is the rest of the raw line. */
static int dir_stmt_ipl(struct dir_parser *p, char **tok, int ntok, const char *raw)
{
	struct dir_user *u = dir_current(p);
	const char *parm;

	if (!u)
		return dir_error(p, "IPL before any USER statement");
	if (u->ipl)
		return dir_error(p, "second IPL statement for %s", u->id);
	if (ntok < 2 || strlen(tok[1]) > 8 || (ntok > 2 && strcasecmp(tok[2], "PARM")))
		return dir_error(p, "IPL needs: IPL vdev|name [PARM text]");
	u->ipl = strdup(tok[1]);
	if (!u->ipl)
		return dir_error(p, "out of memory");
	if (ntok > 2) {
		parm = strcasestr(raw, "PARM") + 4;
		parm += strspn(parm, " \t");
		u->ipl_parm = strdup(parm);
		if (!u->ipl_parm)
			return dir_error(p, "out of memory");
	}
	return 0;
}

/* MACHINE ESA [n]: the architecture (ESA, XA, XC or Z: all the one machine) and the most CPUs. */
static int dir_stmt_machine(struct dir_parser *p, char **tok, int ntok)
{
	struct dir_user *u = dir_current(p);
	char *end;
	long n = 1;

	if (!u)
		return dir_error(p, "MACHINE before any USER statement");
	if (ntok < 2 || ntok > 3 ||
	    (strcasecmp(tok[1], "ESA") && strcasecmp(tok[1], "XA") && strcasecmp(tok[1], "XC") &&
	     strcasecmp(tok[1], "Z")))
		return dir_error(p, "MACHINE needs: MACHINE ESA [n]");
	if (ntok == 3) {
		n = strtol(tok[2], &end, 10);
		if (end == tok[2] || *end || n < 1 || n > DIR_MAX_CPUS)
			return dir_error(p, "MACHINE ESA %s: rvcp offers 1 to %d virtual CPUs",
					 tok[2], DIR_MAX_CPUS);
	}
	if (__builtin_popcountll(u->cpus) > n)
		return dir_error(p, "MACHINE ESA %ld, but %d CPU statements come before it", n,
				 __builtin_popcountll(u->cpus));
	u->maxcpus = (int)n;
	return 0;
}

/* CPU nn [BASE]: a virtual CPU defined at LOGON. */
static int dir_stmt_cpu(struct dir_parser *p, char **tok, int ntok)
{
	struct dir_user *u = dir_current(p);
	bool base = false;
	unsigned long a;
	char *end;

	if (!u)
		return dir_error(p, "CPU before any USER statement");
	for (int i = 2; i < ntok; i++) {
		if (strcasecmp(tok[i], "BASE"))
			return dir_error(p, "CPU %s: unknown operand '%s' (rvcp knows BASE)",
					 tok[1], tok[i]);
		base = true;
	}
	if (ntok < 2)
		return dir_error(p, "CPU needs: CPU nn [BASE]");
	a = strtoul(tok[1], &end, 16);
	if (end == tok[1] || *end || strlen(tok[1]) > 2 || a > DIR_CPU_ADDR_MAX)
		return dir_error(p, "bad CPU address '%s' (hex 00 to 3F)", tok[1]);
	if (u->cpus & (1ULL << a))
		return dir_error(p, "CPU %02lX defined twice", a);
	if (base && u->base_cpu >= 0)
		return dir_error(p, "two BASE CPUs (%02X and %02lX)", u->base_cpu, a);
	if (__builtin_popcountll(u->cpus) + 1 > u->maxcpus)
		return dir_error(p, "CPU %02lX: more CPUs than MACHINE allows (%d)", a, u->maxcpus);
	u->cpus |= 1ULL << a;
	if (base)
		u->base_cpu = (int)a;
	return 0;
}

/* OPTION CPU engine: the only OPTION rvcp knows; any other keyword is an error. */
static int dir_stmt_option(struct dir_parser *p, char **tok, int ntok)
{
	static const char *const engines[] = {"interp", "jit", "lockstep"};
	struct dir_user *u = dir_current(p);

	if (!u)
		return dir_error(p, "OPTION before any USER statement");
	for (int i = 1; i < ntok; i += 2) {
		unsigned e = 0;

		if (strcasecmp(tok[i], "CPU"))
			return dir_error(p, "unknown OPTION '%s' (rvcp knows CPU)", tok[i]);
		while (i + 1 < ntok && e < 3 && strcasecmp(tok[i + 1], engines[e]))
			e++;
		if (i + 1 >= ntok || e == 3)
			return dir_error(p, "OPTION CPU needs INTERP, JIT or LOCKSTEP");
		snprintf(u->cpu, sizeof(u->cpu), "%s", engines[e]);
	}
	return 0;
}

static int dir_statement(struct dir_parser *p, char *line)
{
	char *tok[MAX_TOKENS], *raw = strdup(line), *save = NULL;
	int ntok = 0, rc;

	if (!raw)
		return dir_error(p, "out of memory");
	for (char *t = strtok_r(line, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
		if (ntok == MAX_TOKENS) {
			free(raw);
			return dir_error(p, "too many operands");
		}
		tok[ntok++] = t;
	}
	if (ntok == 0) {
		free(raw);
		return 0;
	}
	if (!strcasecmp(tok[0], "USER"))
		rc = dir_stmt_user(p, tok, ntok);
	else if (!strcasecmp(tok[0], "MDISK"))
		rc = dir_stmt_mdisk(p, tok, ntok);
	else if (!strcasecmp(tok[0], "LINK"))
		rc = dir_stmt_link(p, tok, ntok);
	else if (!strcasecmp(tok[0], "NAMESAVE"))
		rc = dir_stmt_namesave(p, tok, ntok);
	else if (!strcasecmp(tok[0], "SEGMENT"))
		rc = dir_stmt_segment(p, tok, ntok);
	else if (!strcasecmp(tok[0], "IPL"))
		rc = dir_stmt_ipl(p, tok, ntok, raw);
	else if (!strcasecmp(tok[0], "NICDEF"))
		rc = dir_stmt_nicdef(p, tok, ntok);
	else if (!strcasecmp(tok[0], "OPTION"))
		rc = dir_stmt_option(p, tok, ntok);
	else if (!strcasecmp(tok[0], "MACHINE"))
		rc = dir_stmt_machine(p, tok, ntok);
	else if (!strcasecmp(tok[0], "CPU"))
		rc = dir_stmt_cpu(p, tok, ntok);
	else
		rc = dir_error(p, "unknown statement '%s'", tok[0]);
	free(raw);
	return rc;
}

static int dir_resolve_links(struct dir_parser *p)
{
	for (int i = 0; i < p->nlinks; i++) {
		struct pending_link *l = &p->links[i];
		struct dir_user *owner = dir_find(p->d, l->owner);
		struct dir_disk disk = {.vdev = l->vdev2, .mode = l->mode, .line = l->line};
		int rc;

		p->line = l->line;
		if (!owner)
			return dir_error(p, "LINK to unknown user %s", l->owner);
		for (int j = 0; j < owner->ndisks; j++)
			if (owner->disks[j].vdev == l->vdev &&
			    !strcmp(owner->disks[j].owner, owner->id))
				disk.path = owner->disks[j].path;
		if (!disk.path)
			return dir_error(p, "LINK to %s %04X: no such MDISK", l->owner, l->vdev);
		disk.path = strdup(disk.path);
		if (!disk.path)
			return dir_error(p, "out of memory");
		strcpy(disk.owner, owner->id);
		disk.owner_vdev = l->vdev;
		rc = dir_add_disk(p, &p->d->users[l->user], &disk);
		if (rc) {
			free(disk.path);
			return rc;
		}
	}
	return 0;
}

/*
 * Comments: a line whose first non-blank is '*', and the rest of a line
 * from a blank followed by '*' (the README's sample has both).
 */
static void dir_strip_comment(char *line)
{
	char *s = line + strspn(line, " \t");

	if (*s == '*') {
		*s = 0;
		return;
	}
	for (; *s; s++)
		if ((*s == ' ' || *s == '\t') && s[1] == '*') {
			*s = 0;
			return;
		}
}

static int dir_parse_file(struct dir_parser *p, FILE *f)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int rc = 0;

	while ((len = getline(&line, &cap, f)) >= 0) {
		char *s = line;

		p->line++;
		if (memchr(line, 0, len)) {
			rc = dir_error(p, "a NUL character in the line");
			break;
		}
		dir_strip_comment(line);
		len = strlen(line);
		while (len > 0 && isspace((unsigned char)line[len - 1]))
			line[--len] = 0;
		s += strspn(s, " \t");
		if (!*s)
			continue;
		rc = dir_statement(p, s);
		if (rc)
			break;
	}
	free(line);
	return rc;
}

int dir_load(const char *path, struct directory **out, char *err, size_t errlen)
{
	struct dir_parser p = {.file = path, .err = err, .errlen = errlen};
	char *copy = strdup(path), *real = NULL;
	FILE *f = NULL;
	int rc = -ENOMEM;

	p.d = calloc(1, sizeof(*p.d));
	if (!p.d || !copy)
		goto out;
	f = fopen(path, "r");
	if (!f) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	real = realpath(path, NULL);
	p.dirname = strdup(dirname(real ? real : copy));
	p.d->path = strdup(path);
	if (!p.dirname || !p.d->path)
		goto out;
	rc = dir_parse_file(&p, f);
	if (!rc)
		rc = dir_resolve_links(&p);
	if (!rc && p.d->nusers == 0) {
		p.line = 0;
		rc = dir_error(&p, "no USER statement");
	}
out:
	if (rc == -ENOMEM && !*err)
		snprintf(err, errlen, "%s: out of memory", path);
	if (f)
		fclose(f);
	free(p.links);
	free(p.dirname);
	free(real);
	free(copy);
	if (rc) {
		dir_free(p.d);
		return rc;
	}
	p.d->refs = 1;
	*out = p.d;
	return 0;
}

struct directory *dir_ref(struct directory *d)
{
	d->refs++;
	return d;
}

void dir_unref(struct directory *d)
{
	if (d && --d->refs == 0)
		dir_free(d);
}

void dir_free(struct directory *d)
{
	if (!d)
		return;
	for (int i = 0; i < d->nusers; i++) {
		struct dir_user *u = &d->users[i];

		for (int j = 0; j < u->ndisks; j++)
			free(u->disks[j].path);
		for (int j = 0; j < u->nnamesave; j++)
			free(u->namesave[j]);
		free(u->disks);
		free(u->namesave);
		free(u->segs);
		free(u->nics);
		free(u->password);
		free(u->ipl);
		free(u->ipl_parm);
	}
	free(d->users);
	free(d->index);
	free(d->path);
	free(d);
}

struct dir_user *dir_find(const struct directory *d, const char *id)
{
	if (!d->index_size)
		return NULL;
	for (size_t k = dir_hash(id) & (d->index_size - 1); d->index[k];
	     k = (k + 1) & (d->index_size - 1))
		if (!strcasecmp(d->users[d->index[k] - 1].id, id))
			return &d->users[d->index[k] - 1];
	return NULL;
}

bool dir_password_matches(const char *stored, bool hashed, const char *password,
			  struct crypt_data *cd)
{
	const char *h;

	if (!hashed)
		return !strcasecmp(stored, password); /* z/VM passwords ignore case */
	h = crypt_r(password, stored, cd);
	return h && h[0] != '*' && !strcmp(h, stored);
}

bool dir_check_password(const struct dir_user *u, const char *password)
{
	struct crypt_data *cd;
	bool ok;

	if (!dir_may_logon(u))
		return false;
	cd = calloc(1, sizeof(*cd));
	if (!cd)
		return false;
	ok = dir_password_matches(u->password, u->hashed, password, cd);
	free(cd);
	return ok;
}

bool dir_may_logon(const struct dir_user *u)
{
	return strcasecmp(u->password, "NOLOG") && strcasecmp(u->password, "AUTOONLY");
}

bool dir_user_has_class(const struct dir_user *u, const char *classes)
{
	if (!strcmp(classes, "*"))
		return true;
	for (const char *c = classes; *c; c++)
		if (strchr(u->classes, *c))
			return true;
	return false;
}

bool dir_namesave(const struct dir_user *u, const char *name)
{
	for (int i = 0; i < u->nnamesave; i++)
		if (!strcasecmp(u->namesave[i], name))
			return true;
	return false;
}
