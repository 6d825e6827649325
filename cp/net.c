// SPDX-License-Identifier: MIT
/* Guest LANs, virtual switches and virtual NICs: CP's objects (cp/net.h). */
#include "cp/net.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cp/cmd_disk.h"
#include "cp/vmctl.h"
#include "net/switch.h"
#include "util/log.h"

#define NET_MAX_PORTS 64 /* shown by one QUERY */

struct net_lan {
	char owner[DIR_ID_MAX + 1]; /* "SYSTEM" or a userid */
	char name[DIR_ID_MAX + 1];
	bool vswitch;
	struct vswitch *sw;
	struct net_lan *next;
};

struct net_nic {
	uint16_t vdev;
	uint8_t mac[6];
	char owner[DIR_ID_MAX + 1], lan[DIR_ID_MAX + 1]; /* coupled to (or NICDEF's), "" none */
	bool coupled;					 /* connected to that LAN (z/VM's state) */
	bool in_machine; /* part of the last SETUP: the guest has the device */
	bool detached;	 /* DETACHed while in the machine: gone at the next SETUP */
};

struct net_user {
	struct net_nic nic[MACHINE_MAX_NICS];
	int n;
};

static struct net_lan *net_lans;

static struct net_user *net_of(struct cp_user *u)
{
	return u->net;
}

static bool net_word(const char *typed, const char *name, size_t minlen)
{
	size_t n = strlen(typed);

	return n >= minlen && n <= strlen(name) && !strncasecmp(typed, name, n);
}

static void net_upper(char *dst, const char *src)
{
	size_t i;

	for (i = 0; src[i] && i < DIR_ID_MAX; i++)
		dst[i] = (char)toupper((unsigned char)src[i]);
	dst[i] = 0;
}

static bool net_valid_name(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > DIR_ID_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("@#$_-", s[i]))
			return false;
	return true;
}

static struct net_lan *net_find(const char *owner, const char *name)
{
	for (struct net_lan *l = net_lans; l; l = l->next)
		if (!strcasecmp(l->owner, owner) && !strcasecmp(l->name, name))
			return l;
	return NULL;
}

static const char *net_kind(const struct net_lan *l)
{
	return l->vswitch ? "VSWITCH" : "LAN";
}

static void net_fmt_mac(const uint8_t *m, char *buf, size_t n)
{
	snprintf(buf, n, "%02X-%02X-%02X-%02X-%02X-%02X", m[0], m[1], m[2], m[3], m[4], m[5]);
}

/* --- MAC addresses ---------------------------------------------------------- */

static uint16_t net_hash(const char *id)
{
	uint32_t h = 2166136261u;

	for (; *id; id++)
		h = (h ^ (uint8_t)toupper((unsigned char)*id)) * 16777619u;
	return (uint16_t)(h ^ h >> 16);
}

/* The user's 16-bit number: its hash, moved on past those of users before it. */
static uint16_t net_user_number(const char *id)
{
	static uint8_t taken[65536 / 8];
	struct directory *d = cp_sys.dir;
	uint16_t v = net_hash(id);

	memset(taken, 0, sizeof(taken));
	for (int i = 0; i < d->nusers; i++) {
		v = net_hash(d->users[i].id);
		while (taken[v / 8] & (1 << (v % 8)))
			v++;
		taken[v / 8] |= (uint8_t)(1 << (v % 8));
		if (!strcasecmp(d->users[i].id, id))
			return v;
	}
	return net_hash(id);
}

static void net_mac(struct cp_user *u, struct net_user *nu, uint16_t vdev, uint8_t *mac)
{
	uint16_t num = net_user_number(u->id);
	uint8_t low = (uint8_t)vdev;
	bool clash = true;

	while (clash) {
		clash = false;
		for (int i = 0; i < nu->n; i++)
			clash |= nu->nic[i].mac[5] == low;
		if (clash)
			low++;
	}
	mac[0] = 0x02, mac[1] = 0x52, mac[2] = 0x56;
	mac[3] = (uint8_t)(num >> 8), mac[4] = (uint8_t)num, mac[5] = low;
}

/* --- ports ------------------------------------------------------------------- */

static void net_send_link(struct cp_user *u, struct net_nic *n, int fd)
{
	struct proto_nic_link l = {.vdev = n->vdev, .up = fd >= 0};

	cp_vm_send(u, PROTO_NIC_LINK, &l, sizeof(l), fd >= 0 ? &fd : NULL, fd >= 0);
}

/* Gives the VM process a fresh port of n's LAN (or takes its link down). */
static int net_link(struct cp_user *u, struct net_nic *n)
{
	struct net_lan *l = n->coupled ? net_find(n->owner, n->lan) : NULL;
	int fd = -1, rc = 0;

	if (l)
		vswitch_port_close(l->sw, u->id, n->vdev);
	if (!n->in_machine || !u->vm || !u->vm->pid)
		return 0;
	if (l) {
		rc = vswitch_port_open(l->sw, u->id, n->vdev, n->mac, &fd);
		if (rc)
			return rc;
	}
	net_send_link(u, n, fd);
	if (fd >= 0)
		close(fd); /* the VM process has its own copy now */
	return 0;
}

static void net_unlink(struct cp_user *u, struct net_nic *n)
{
	struct net_lan *l = n->coupled ? net_find(n->owner, n->lan) : NULL;

	if (l)
		vswitch_port_close(l->sw, u->id, n->vdev);
	n->coupled = false;
	if (n->in_machine && u->vm && u->vm->pid)
		net_send_link(u, n, -1);
}

static struct net_nic *net_nic(struct cp_user *u, uint16_t vdev)
{
	struct net_user *nu = net_of(u);

	for (int i = 0; nu && i < nu->n; i++)
		if (nu->nic[i].vdev == vdev && !nu->nic[i].detached)
			return &nu->nic[i];
	return NULL;
}

bool net_has_nic(struct cp_user *u, uint16_t vdev)
{
	return net_nic(u, vdev) != NULL;
}

/* A new LAN couples every logged-on NIC that names it (NICDEF, COUPLE before). */
static void net_couple_waiting(struct net_lan *l)
{
	for (struct cp_user *u = cp_sys.users; u; u = u->next) {
		struct net_user *nu = net_of(u);

		for (int i = 0; nu && i < nu->n; i++) {
			struct net_nic *n = &nu->nic[i];

			if (!n->coupled && !n->detached && !strcasecmp(n->owner, l->owner) &&
			    !strcasecmp(n->lan, l->name)) {
				n->coupled = true;
				if (net_link(u, n))
					n->coupled = false;
			}
		}
	}
}

/* --- LANs and VSWITCHes -------------------------------------------------------- */

static int net_create(const char *owner, const char *name, bool vswitch, bool nat,
		      struct net_lan **out)
{
	struct net_lan *l;

	if (net_find(owner, name))
		return -EEXIST;
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->sw = vswitch_create(nat);
	if (!l->sw) {
		int rc = -errno;

		free(l);
		return rc;
	}
	net_upper(l->owner, owner);
	net_upper(l->name, name);
	l->vswitch = vswitch;
	l->next = net_lans;
	net_lans = l;
	log_info("%s %s %s defined%s", net_kind(l), l->owner, l->name, nat ? " with NAT" : "");
	net_couple_waiting(l);
	*out = l;
	return 0;
}

static void net_destroy(struct net_lan *l)
{
	struct net_lan **pp;

	for (struct cp_user *u = cp_sys.users; u; u = u->next) {
		struct net_user *nu = net_of(u);

		for (int i = 0; nu && i < nu->n; i++) {
			struct net_nic *n = &nu->nic[i];

			if (n->coupled && !strcasecmp(n->owner, l->owner) &&
			    !strcasecmp(n->lan, l->name)) {
				net_unlink(u, n);
				cp_user_msg(u, MSG_NET_NIC_UNCOUPLED, n->vdev, net_kind(l),
					    l->owner, l->name);
			}
		}
	}
	for (pp = &net_lans; *pp; pp = &(*pp)->next)
		if (*pp == l) {
			*pp = l->next;
			break;
		}
	vswitch_destroy(l->sw);
	free(l);
}

void net_shutdown(void)
{
	while (net_lans)
		net_destroy(net_lans);
}

/* DEFINE VSWITCH name [NAT] | DEFINE LAN name [OWNERID id] (tokens after DEFINE). */
static int net_define_lan(struct cp_sink *sink, struct cp_user *u, int argc, char **argv)
{
	bool vswitch = net_word(argv[0], "VSWITCH", 3), nat = false,
	     b = !u || dir_user_has_class(u->dir, "B");
	const char *owner = vswitch || b ? "SYSTEM" : u->id;
	struct net_lan *l = NULL;
	int rc;

	if (argc < 2 || !net_valid_name(argv[1]))
		return cp_sink_msg(sink, MSG_CMD_MISSING_OPERAND);
	for (int i = 2; i < argc; i++) {
		if (vswitch && net_word(argv[i], "NAT", 3))
			nat = true;
		else if (!vswitch &&
			 (net_word(argv[i], "OWNERID", 5) || net_word(argv[i], "OWNER", 5)) &&
			 i + 1 < argc)
			owner = argv[++i];
		else if (net_word(argv[i], "TYPE", 4) && i + 1 < argc &&
			 net_word(argv[i + 1], "QDIO", 4))
			i++;
		else
			return cp_sink_msg(sink, MSG_CMD_INVALID_OPTION, argv[i]);
	}
	if (!net_valid_name(owner))
		return cp_sink_msg(sink, MSG_CMD_INVALID_OPERAND, owner);
	if (!b && strcasecmp(owner, u->id))
		return cp_sink_msg(sink, MSG_NET_NOT_OWNER, owner, argv[1]);
	rc = net_create(owner, argv[1], vswitch, nat, &l);
	if (rc == -EEXIST)
		return cp_sink_msg(sink, MSG_NET_EXISTS, vswitch ? "VSWITCH" : "LAN", owner,
				   argv[1]);
	if (rc)
		return cp_sink_msg(sink, MSG_NET_FAILED, vswitch ? "VSWITCH" : "LAN", owner,
				   argv[1], strerror(-rc));
	if (vswitch)
		return cp_sink_msg(sink, MSG_NET_VSWITCH_CREATED, l->name);
	return cp_sink_msg(sink, MSG_NET_LAN_CREATED, l->owner, l->name);
}

/* --- the system configuration file ------------------------------------------ */

static int net_config_line(char *line, char *err, size_t errlen, const char *file, int no)
{
	char *tok[16], *save = NULL;
	int n = 0;
	struct cp_capture cap;
	int rc;

	for (char *t = strtok_r(line, " \t\r\n", &save); t && n < 16;
	     t = strtok_r(NULL, " \t\r\n", &save))
		tok[n++] = t;
	if (!n || tok[0][0] == '*')
		return 0;
	if (n < 2 || !net_word(tok[0], "DEFINE", 3) ||
	    !(net_word(tok[1], "VSWITCH", 3) || net_word(tok[1], "LAN", 3))) {
		snprintf(err, errlen, "%s:%d: unknown statement (DEFINE VSWITCH or DEFINE LAN)",
			 file, no);
		return -EINVAL;
	}
	cp_capture_init(&cap);
	rc = net_define_lan(&cap.sink, NULL, n - 1, tok + 1);
	if (rc)
		snprintf(err, errlen, "%s:%d: %s", file, no, cap.n ? cap.lines[0] : "error");
	cp_capture_free(&cap);
	return rc ? -EINVAL : 0;
}

int net_load_config(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	int no = 0, rc = 0;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -EINVAL;
	}
	while (!rc && fgets(line, sizeof(line), f))
		rc = net_config_line(line, err, errlen, path, ++no);
	fclose(f);
	return rc;
}

/* --- users' NICs --------------------------------------------------------------- */

static struct net_nic *net_add_nic(struct cp_user *u, uint16_t vdev)
{
	struct net_user *nu = net_of(u);
	struct net_nic *n;

	if (nu->n == MACHINE_MAX_NICS)
		return NULL;
	n = &nu->nic[nu->n];
	memset(n, 0, sizeof(*n));
	n->vdev = vdev;
	net_mac(u, nu, vdev, n->mac);
	nu->n++;
	return n;
}

int net_user_logon(struct cp_user *u)
{
	u->net = calloc(1, sizeof(struct net_user));
	if (!u->net)
		return -ENOMEM;
	for (int i = 0; i < u->dir->nnics; i++) {
		const struct dir_nic *d = &u->dir->nics[i];
		struct net_nic *n = net_add_nic(u, d->vdev);

		if (!n)
			break;
		strcpy(n->owner, d->lan_owner);
		strcpy(n->lan, d->lan);
		n->coupled = d->lan[0] && net_find(n->owner, n->lan);
	}
	return 0;
}

void net_user_logoff(struct cp_user *u)
{
	struct net_user *nu = net_of(u);

	for (int i = 0; nu && i < nu->n; i++) {
		struct net_lan *l =
		    nu->nic[i].coupled ? net_find(nu->nic[i].owner, nu->nic[i].lan) : NULL;

		if (l)
			vswitch_port_close(l->sw, u->id, nu->nic[i].vdev);
	}
	free(nu);
	u->net = NULL;
}

int net_user_nic_count(const struct cp_user *u)
{
	const struct net_user *nu = u->net;
	int n = 0;

	for (int i = 0; nu && i < nu->n; i++)
		n += !nu->nic[i].detached;
	return n;
}

int net_setup_nics(struct cp_user *u, struct proto_setup_nic *out, int max)
{
	struct net_user *nu = net_of(u);
	int k = 0;

	for (int i = 0; nu && i < nu->n; i++) {
		if (nu->nic[i].detached) {
			memmove(&nu->nic[i], &nu->nic[i + 1],
				(size_t)(nu->n - i - 1) * sizeof(nu->nic[0]));
			nu->n--;
			i--;
		}
	}
	for (int i = 0; nu && i < nu->n && k < max; i++) {
		out[k].vdev = nu->nic[i].vdev;
		memcpy(out[k].mac, nu->nic[i].mac, 6);
		nu->nic[i].in_machine = true;
		k++;
	}
	return k;
}

void net_after_setup(struct cp_user *u)
{
	struct net_user *nu = net_of(u);

	for (int i = 0; nu && i < nu->n; i++)
		if (nu->nic[i].coupled && net_link(u, &nu->nic[i]))
			nu->nic[i].coupled = false;
}

void net_adopt(struct cp_user *u, const struct proto_setup_nic *nics, int n)
{
	struct net_user *nu = net_of(u);

	for (int i = 0; nu && i < nu->n; i++)
		for (int k = 0; k < n; k++)
			if (nics[k].vdev == nu->nic[i].vdev &&
			    !memcmp(nics[k].mac, nu->nic[i].mac, 6))
				nu->nic[i].in_machine = true;
	/* Couple what the directory couples: the old CP's switch ports are gone. */
	for (int i = 0; nu && i < nu->n; i++)
		if (!nu->nic[i].in_machine)
			nu->nic[i].coupled = false;
	net_after_setup(u);
}

void net_release(struct cp_user *u)
{
	struct net_user *nu = net_of(u);
	bool changed = false;

	if (!nu || u->logging_off || !u->vm || !u->vm->pid)
		return;
	for (int i = 0; i < nu->n; i++)
		changed |= nu->nic[i].detached || !nu->nic[i].in_machine;
	if (changed)
		vmctl_setup(u); /* the machine is made again with the new NICs */
}

/* --- commands ------------------------------------------------------------------ */

static int net_parse_vdev(const char *s, uint16_t *vdev)
{
	char *end;
	unsigned long v;

	if (!*s || strlen(s) > 4)
		return -EINVAL;
	v = strtoul(s, &end, 16);
	if (*end)
		return -EINVAL;
	*vdev = (uint16_t)v;
	return 0;
}

bool net_is_define(const char *word)
{
	return net_word(word, "VSWITCH", 3) || net_word(word, "LAN", 3) || net_word(word, "NIC", 3);
}

/* DEFINE NIC vdev [TYPE] QDIO [DEVICES n] */
static int net_define_nic(struct cp_ctx *ctx, int argc, char **argv)
{
	struct cp_user *u = ctx->user;
	struct net_nic *n;
	uint16_t vdev;

	if (argc < 2 || net_parse_vdev(argv[1], &vdev))
		return cp_msg(ctx, MSG_CMD_MISSING_OPERAND);
	for (int i = 2; i < argc; i++) {
		if (net_word(argv[i], "TYPE", 4) || net_word(argv[i], "QDIO", 4))
			continue;
		if (net_word(argv[i], "DEVICES", 3) && i + 1 < argc) {
			i++;
			continue;
		}
		return cp_msg(ctx, MSG_CMD_INVALID_OPTION, argv[i]);
	}
	if (net_nic(u, vdev) || cp_vm_disk_index(u, vdev) >= 0)
		return cp_msg(ctx, MSG_NET_NIC_IN_USE, vdev);
	n = net_add_nic(u, vdev);
	if (!n)
		return cp_msg(ctx, MSG_NET_NIC_TOO_MANY, vdev, MACHINE_MAX_NICS);
	cp_msg(ctx, MSG_NET_NIC_CREATED, vdev, vdev, vdev + 2);
	if (!u->ipled)
		vmctl_setup(u); /* nothing runs yet: the machine gets it now */
	else
		cp_msg(ctx, MSG_NET_NIC_NEXT_IPL, vdev);
	return 0;
}

int cmd_define_net(struct cp_ctx *ctx, int argc, char **argv)
{
	if (net_word(argv[0], "NIC", 3))
		return net_define_nic(ctx, argc, argv);
	if (net_word(argv[0], "VSWITCH", 3) && !dir_user_has_class(ctx->user->dir, "B"))
		return cp_msg(ctx, MSG_CMD_INVALID_OPTION, argv[0]);
	return net_define_lan(ctx->sink, ctx->user, argc, argv);
}

/* COUPLE vdev [TO] SYSTEM|owner name */
int cmd_couple(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	struct cp_user *u = ctx->user;
	struct net_nic *n;
	struct net_lan *l;
	uint16_t vdev;
	int i = 2, rc;

	if (argc < 2 || net_parse_vdev(argv[1], &vdev))
		return cp_msg(ctx, MSG_CMD_MISSING_OPERAND);
	if (i < argc && net_word(argv[i], "TO", 2))
		i++;
	if (argc != i + 2)
		return cp_msg(ctx, MSG_CMD_MISSING_OPERAND);
	n = net_nic(u, vdev);
	if (!n)
		return cp_msg(ctx, MSG_NET_NIC_NO_DEVICE, vdev);
	l = net_find(argv[i], argv[i + 1]);
	if (!l)
		return cp_msg(ctx, MSG_NET_NOT_EXIST, argv[i], argv[i + 1]);
	if (n->coupled)
		net_unlink(u, n);
	strcpy(n->owner, l->owner);
	strcpy(n->lan, l->name);
	n->coupled = true;
	rc = net_link(u, n);
	if (rc) {
		n->coupled = false;
		return cp_msg(ctx, MSG_NET_NIC_COUPLE_FAILED, vdev, strerror(-rc));
	}
	return cp_msg(ctx, MSG_NET_NIC_COUPLED, vdev, net_kind(l), l->owner, l->name);
}

int cmd_uncouple(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	struct net_nic *n;
	struct net_lan *l;
	uint16_t vdev;

	if (argc != 2 || net_parse_vdev(argv[1], &vdev))
		return cp_msg(ctx, MSG_CMD_MISSING_OPERAND);
	n = net_nic(ctx->user, vdev);
	if (!n)
		return cp_msg(ctx, MSG_NET_NIC_NO_DEVICE, vdev);
	l = n->coupled ? net_find(n->owner, n->lan) : NULL;
	if (!l)
		return cp_msg(ctx, MSG_NET_NIC_NOT_COUPLED, vdev);
	net_unlink(ctx->user, n);
	return cp_msg(ctx, MSG_NET_NIC_UNCOUPLED, vdev, net_kind(l), l->owner, l->name);
}

/* DETACH vdev | VSWITCH name | LAN name [OWNERID id] */
int cmd_detach(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	struct cp_user *u = ctx->user;
	struct net_nic *n;
	uint16_t vdev;

	if (argc < 2)
		return cp_msg(ctx, MSG_CMD_MISSING_OPERAND);
	if ((net_word(argv[1], "VSWITCH", 3) || net_word(argv[1], "LAN", 3)) && argc >= 3) {
		bool vs = net_word(argv[1], "VSWITCH", 3);
		const char *owner = vs ? "SYSTEM" : (argc == 5 ? argv[4] : "SYSTEM");
		struct net_lan *l = net_find(owner, argv[2]);
		char kind[8], own[DIR_ID_MAX + 1], name[DIR_ID_MAX + 1];

		if (!l && !vs && argc == 3)
			l = net_find(u->id, argv[2]);
		if (!l || l->vswitch != vs)
			return cp_msg(ctx, MSG_NET_NOT_EXIST, owner, argv[2]);
		if (!dir_user_has_class(u->dir, "B") && strcasecmp(l->owner, u->id))
			return cp_msg(ctx, MSG_NET_NOT_OWNER, l->owner, l->name);
		snprintf(kind, sizeof(kind), "%s", net_kind(l));
		strcpy(own, l->owner);
		strcpy(name, l->name);
		net_destroy(l);
		return cp_msg(ctx, MSG_NET_DESTROYED, kind, own, name);
	}
	if (argc != 2 || net_parse_vdev(argv[1], &vdev))
		return cp_msg(ctx, MSG_CMD_INVALID_OPERAND, argv[1]);
	if (disk_detach(ctx, vdev) != 1)
		return 0;
	n = net_nic(u, vdev);
	if (!n)
		return cp_msg(ctx, MSG_DASD_NO_DEVICE, vdev);
	net_unlink(u, n);
	n->detached = true;
	if (!n->in_machine || !u->ipled)
		net_release(u);
	return cp_msg(ctx, MSG_NET_NIC_DESTROYED, vdev, vdev, vdev + 2);
}

/* --- QUERY ------------------------------------------------------------------------ */

static void net_q_counts(struct cp_ctx *ctx, const struct vswitch_counters *c, bool nic)
{
	if (nic) {
		cp_msg(ctx, MSG_NET_Q_NIC_COUNTS, "RX", (unsigned long long)c->rx_frames,
		       (unsigned long long)c->rx_drops);
		cp_msg(ctx, MSG_NET_Q_NIC_COUNTS, "TX", (unsigned long long)c->tx_frames,
		       (unsigned long long)c->tx_drops);
		cp_msg(ctx, MSG_NET_Q_NIC_BYTES, (unsigned long long)c->rx_bytes,
		       (unsigned long long)c->tx_bytes);
		return;
	}
	cp_msg(ctx, MSG_NET_Q_COUNTS, "RX", (unsigned long long)c->rx_frames,
	       (unsigned long long)c->rx_drops);
	cp_msg(ctx, MSG_NET_Q_COUNTS, "TX", (unsigned long long)c->tx_frames,
	       (unsigned long long)c->tx_drops);
	cp_msg(ctx, MSG_NET_Q_BYTES, (unsigned long long)c->rx_bytes,
	       (unsigned long long)c->tx_bytes);
}

static void net_q_one(struct cp_ctx *ctx, struct net_lan *l, bool details)
{
	static struct vswitch_port_info p[NET_MAX_PORTS];
	int n = vswitch_ports(l->sw, p, NET_MAX_PORTS);
	struct vswitch_counters up;

	cp_msg(ctx, MSG_NET_Q_SWITCH, net_kind(l), l->owner, l->name, n);
	cp_msg(ctx, MSG_NET_Q_SWITCH_2);
	if (vswitch_nat(l->sw))
		cp_msg(ctx, MSG_NET_Q_SWITCH_NAT);
	if (!details)
		return;
	if (vswitch_uplink(l->sw, &up)) {
		cp_msg(ctx, MSG_NET_Q_UPLINK);
		net_q_counts(ctx, &up, false);
	}
	for (int i = 0; i < n && i < NET_MAX_PORTS; i++) {
		char mac[20], ip[INET_ADDRSTRLEN] = "-";

		cp_msg(ctx, MSG_NET_Q_PORT, p[i].user, p[i].vdev);
		net_q_counts(ctx, &p[i].c, false);
		net_fmt_mac(p[i].mac, mac, sizeof(mac));
		if (p[i].ip.s_addr)
			inet_ntop(AF_INET, &p[i].ip, ip, sizeof(ip));
		cp_msg(ctx, MSG_NET_Q_ADDR, ip, mac);
	}
}

static int net_q_hostfwd(struct cp_ctx *ctx, struct net_lan *l)
{
	struct vswitch_fwd_info f[SWITCH_MAX_FWDS];
	int n;

	if (!vswitch_nat(l->sw))
		return cp_msg(ctx, MSG_NET_FWD_NO_NAT, l->name);
	n = vswitch_hostfwds(l->sw, f, SWITCH_MAX_FWDS);
	if (!n)
		return cp_msg(ctx, MSG_NET_FWD_NONE, l->name);
	for (int i = 0; i < n; i++) {
		char host[INET_ADDRSTRLEN], guest[INET_ADDRSTRLEN] = "-";

		inet_ntop(AF_INET, &f[i].host, host, sizeof(host));
		if (f[i].guest.s_addr)
			inet_ntop(AF_INET, &f[i].guest, guest, sizeof(guest));
		cp_msg(ctx, MSG_NET_FWD_ROW, f[i].udp ? "UDP" : "TCP", host, f[i].host_port,
		       f[i].user, guest, f[i].guest_port);
	}
	return 0;
}

static int net_query(struct cp_ctx *ctx, int argc, char **argv, bool vswitch)
{
	const char *name = NULL;
	bool details = false, hostfwd = false;
	int shown = 0;

	for (int i = 1; i < argc; i++) {
		if (net_word(argv[i], "DETAILS", 3))
			details = true;
		else if (vswitch && net_word(argv[i], "HOSTFWD", 4))
			hostfwd = true;
		else if (!name)
			name = argv[i];
		else
			return cp_msg(ctx, MSG_CMD_INVALID_OPTION, argv[i]);
	}
	for (struct net_lan *l = net_lans; l; l = l->next) {
		if (l->vswitch != vswitch || (name && strcasecmp(l->name, name)))
			continue;
		shown++;
		if (hostfwd)
			net_q_hostfwd(ctx, l);
		else
			net_q_one(ctx, l, details);
	}
	if (!shown && name)
		return cp_msg(ctx, MSG_NET_NOT_EXIST, "SYSTEM", name);
	if (!shown)
		return cp_msg(ctx, MSG_NET_Q_NONE, vswitch ? "VSWITCH" : "LAN");
	return 0;
}

int cmd_q_vswitch(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	return net_query(ctx, argc, argv, true);
}

int cmd_q_lan(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	return net_query(ctx, argc, argv, false);
}

/* The counters of u's port for NIC n, if coupled. */
static bool net_port_counts(struct cp_user *u, struct net_lan *l, uint16_t vdev,
			    struct vswitch_counters *c)
{
	static struct vswitch_port_info p[NET_MAX_PORTS];
	int n = vswitch_ports(l->sw, p, NET_MAX_PORTS);

	for (int i = 0; i < n && i < NET_MAX_PORTS; i++)
		if (p[i].vdev == vdev && !strcmp(p[i].user, u->id)) {
			*c = p[i].c;
			return true;
		}
	return false;
}

/* QUERY VIRTUAL NIC [vdev] [DETAILS] (argv[0] is NIC) */
int cmd_q_nic(struct cp_ctx *ctx, int argc, char **argv)
{
	struct net_user *nu = net_of(ctx->user);
	bool details = false, shown = false;
	uint16_t only = 0;
	bool one = false;

	for (int i = 1; i < argc; i++) {
		if (net_word(argv[i], "DETAILS", 3))
			details = true;
		else if (!net_parse_vdev(argv[i], &only))
			one = true;
		else
			return cp_msg(ctx, MSG_CMD_INVALID_OPTION, argv[i]);
	}
	for (int i = 0; nu && i < nu->n; i++) {
		struct net_nic *n = &nu->nic[i];
		struct net_lan *l = n->coupled ? net_find(n->owner, n->lan) : NULL;
		struct vswitch_counters c;
		char mac[20];

		if (n->detached || (one && n->vdev != only))
			continue;
		shown = true;
		net_fmt_mac(n->mac, mac, sizeof(mac));
		cp_msg(ctx, MSG_NET_Q_NIC, n->vdev);
		if (l)
			cp_msg(ctx, MSG_NET_Q_NIC_MAC, mac, net_kind(l), l->owner, l->name);
		else
			cp_msg(ctx, MSG_NET_Q_NIC_MAC, mac, "LAN", "*", "None");
		if (details && l && net_port_counts(ctx->user, l, n->vdev, &c))
			net_q_counts(ctx, &c, true);
	}
	if (!shown && one)
		return cp_msg(ctx, MSG_NET_NIC_NO_DEVICE, only);
	if (!shown)
		return cp_msg(ctx, MSG_NET_Q_NIC_NONE);
	return 0;
}

/* [addr:]port */
static int net_parse_hostport(const char *s, struct in_addr *a, uint16_t *port)
{
	const char *colon = strrchr(s, ':');
	char host[64];
	char *end;
	unsigned long p;

	a->s_addr = htonl(INADDR_LOOPBACK);
	if (colon) {
		if ((size_t)(colon - s) >= sizeof(host))
			return -EINVAL;
		memcpy(host, s, (size_t)(colon - s));
		host[colon - s] = 0;
		if (inet_pton(AF_INET, host, a) != 1)
			return -EINVAL;
		s = colon + 1;
	}
	p = strtoul(s, &end, 10);
	if (!*s || *end || !p || p > 65535)
		return -EINVAL;
	*port = (uint16_t)p;
	return 0;
}

/* SET VSWITCH name HOSTFWD TCP|UDP [addr:]hostport userid guestport | ... OFF */
int cmd_set_vswitch(struct cp_ctx *ctx, int argc, char **argv, char **rest)
{
	struct net_lan *l;
	struct in_addr host;
	uint16_t hport, gport = 0;
	bool udp, off;
	char ha[INET_ADDRSTRLEN], user[DIR_ID_MAX + 1];
	int rc;

	if (argc < 5 || !net_word(argv[2], "HOSTFWD", 4))
		return cp_msg(ctx, MSG_CMD_MISSING_OPERAND);
	l = net_find("SYSTEM", argv[1]);
	if (!l || !l->vswitch)
		return cp_msg(ctx, MSG_NET_NOT_EXIST, "SYSTEM", argv[1]);
	if (!vswitch_nat(l->sw))
		return cp_msg(ctx, MSG_NET_FWD_NO_NAT, l->name);
	udp = net_word(argv[3], "UDP", 3);
	if (!udp && !net_word(argv[3], "TCP", 3))
		return cp_msg(ctx, MSG_CMD_INVALID_OPERAND, argv[3]);
	if (net_parse_hostport(argv[4], &host, &hport))
		return cp_msg(ctx, MSG_CMD_INVALID_OPERAND, argv[4]);
	inet_ntop(AF_INET, &host, ha, sizeof(ha));
	off = argc == 6 && net_word(argv[5], "OFF", 3);
	if (off) {
		if (vswitch_hostfwd_del(l->sw, udp, host, hport))
			return cp_msg(ctx, MSG_NET_FWD_NOT_SET, argv[3], ha, hport, l->name);
		return cp_msg(ctx, MSG_NET_FWD_REMOVED, udp ? "UDP" : "TCP", ha, hport, l->name);
	}
	if (argc != 7 || !net_valid_name(argv[5]) ||
	    net_parse_hostport(argv[6], &(struct in_addr){0}, &gport))
		return cp_msg(ctx, MSG_CMD_MISSING_OPERAND);
	net_upper(user, argv[5]);
	rc = vswitch_hostfwd_add(l->sw, udp, host, hport, user, gport);
	if (rc == -EADDRINUSE)
		return cp_msg(ctx, MSG_NET_FWD_IN_USE, udp ? "UDP" : "TCP", ha, hport);
	if (rc == -EEXIST)
		return cp_msg(ctx, MSG_NET_FWD_EXISTS, udp ? "UDP" : "TCP", ha, hport, l->name);
	if (rc)
		return cp_msg(ctx, MSG_NET_FWD_FAILED, strerror(-rc));
	return cp_msg(ctx, MSG_NET_FWD_SET, udp ? "UDP" : "TCP", ha, hport, user, gport, l->name);
}
