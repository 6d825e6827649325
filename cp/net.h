/* SPDX-License-Identifier: MIT */
#ifndef RVCP_CP_NET_H
#define RVCP_CP_NET_H
/*
 * Guest LANs, virtual switches and virtual NICs in CP (cp/net.c), in
 * z/VM's terms.  Frames never pass through CP: each LAN or VSWITCH is a
 * net/switch.h switch with its own thread, and a coupled NIC is a port of
 * it whose socket CP passes to the VM process (NIC_LINK, vm/proto.h).
 *
 *   DEFINE VSWITCH name [NAT]            class B; NAT: a libslirp uplink
 *   DEFINE LAN name [OWNERID SYSTEM|id]  class B for SYSTEM; a class G
 *                                        user may define LANs it owns
 *   DETACH VSWITCH name | LAN name [OWNERID id]   uncouples every NIC
 *   DEFINE NIC vdev [TYPE] QDIO [DEVICES n]      class G
 *   COUPLE vdev [TO] SYSTEM|owner name, UNCOUPLE vdev, DETACH vdev
 *   QUERY VSWITCH [name] [DETAILS|HOSTFWD], QUERY LAN [name] [DETAILS],
 *   QUERY VIRTUAL NIC [vdev] [DETAILS]
 *   SET VSWITCH name HOSTFWD TCP|UDP [addr:]hostport userid guestport
 *   SET VSWITCH name HOSTFWD TCP|UDP [addr:]hostport OFF      (rvcp)
 *
 * The directory's NICDEF defines the NIC at LOGON and couples it when its
 * LAN exists; a LAN or VSWITCH defined later (by command or by the system
 * configuration file) couples every logged-on NIC whose NICDEF names it.
 *
 * MAC addresses: 02-52-56 (locally administered, "RV"), then a 16-bit
 * number of the user (a hash of the userid, made unique in directory
 * order) and the low byte of the vdev (made unique among the user's
 * NICs): the same user's NIC has the same MAC at every LOGON, two users
 * never share one (up to 65536 users).
 *
 * Where the guest sees a NIC: the machine's devices are made when the VM
 * process is set up (LOGON, DEFINE STORAGE) and kept across IPL, so a NIC
 * defined or detached later reaches the guest at its next IPL.  COUPLE and
 * UNCOUPLE act at once: the guest's link goes up or down.
 */
#include "cp/commands.h"
#include "cp/user.h"
#include "vm/proto.h"

/* The system configuration file (rvcp cp --config): DEFINE VSWITCH / LAN
 * statements, '*' comments.  0, or -EINVAL with "file:line: what" in err. */
int net_load_config(const char *path, char *err, size_t errlen);
void net_shutdown(void);

/* The user's NICs from its directory entry (LOGON, before the VM process). */
int net_user_logon(struct cp_user *u);
void net_user_logoff(struct cp_user *u);
/* The user's NICs, detached ones not counted (INDICATE USER). */
int net_user_nic_count(const struct cp_user *u);
/* SETUP: the NICs the machine gets; returns how many (at most max). */
int net_setup_nics(struct cp_user *u, struct proto_setup_nic *out, int max);
/* After SETUP: fresh ports for the coupled NICs, sent with NIC_LINK. */
void net_after_setup(struct cp_user *u);
/* An adopted VM (cp/vmctl.h) has these NICs: the user's that match are
 * in its machine, and are coupled again as the directory says. */
void net_adopt(struct cp_user *u, const struct proto_setup_nic *nics, int n);
/* Before IPL and resets: NICs defined or detached since apply now. */
void net_release(struct cp_user *u);

int cmd_define_net(struct cp_ctx *ctx, int argc, char **argv);
bool net_is_define(const char *word);
/* The user has a NIC at vdev (DEFINE of a disk refuses the vdev). */
bool net_has_nic(struct cp_user *u, uint16_t vdev);
int cmd_detach(struct cp_ctx *ctx, int argc, char **argv, char **rest);
int cmd_couple(struct cp_ctx *ctx, int argc, char **argv, char **rest);
int cmd_uncouple(struct cp_ctx *ctx, int argc, char **argv, char **rest);
int cmd_q_vswitch(struct cp_ctx *ctx, int argc, char **argv, char **rest);
int cmd_q_lan(struct cp_ctx *ctx, int argc, char **argv, char **rest);
int cmd_q_nic(struct cp_ctx *ctx, int argc, char **argv);
int cmd_set_vswitch(struct cp_ctx *ctx, int argc, char **argv, char **rest);

#endif
