// SPDX-License-Identifier: MIT
/*
 * The terminal server (cp/terminal.h): a TCP listener, one libtelnet
 * state per connection, line assembly, LOGON with its password prompt, and
 * the routing of typed lines to CP or to the guest.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libtelnet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cp/cmd_ssi.h"
#include "cp/commands.h"
#include "cp/logon_guard.h"
#include "cp/pwcheck.h"
#include "cp/terminal.h"
#include "cp/tn3270.h"
#include "cp/user.h"
#include "util/log.h"

#define TERM_LINE_MAX  2048
#define TERM_TYPEAHEAD 4096	 /* lines typed while an IPL is in flight */
#define TERM_OUT_MAX   (1 << 20) /* beyond this, guest output is dropped */
/* Terminals at once: each costs a descriptor and ~16 KiB, so a flood of
 * connections is refused beyond this rather than exhausting CP. */
#define TERM_MAX	512
#define ACCEPT_RETRY_MS 200    /* out of descriptors: stop accepting this long */
#define TERM_SYSNAME	"RVCP" /* the system's name in a 3270's status area */
/* A client that has not answered DO TN3270E by then is a line-mode one. */
#define TERM_NEGOTIATE_MS     500
#define TERM_NEGOTIATE_MAX_MS 30000 /* one that answered: to finish */

/* A terminal that has not logged on this long is dropped (--logon-timeout),
 * so idle connections cannot hold every TERM_MAX slot. */
static unsigned logon_timeout_s = 300;
static unsigned logon_per_address = 32; /* --logon-per-address */
/* --logon-lock-user, --logon-lock-address, --logon-delay (cp/logon_guard.h) */
static struct logon_guard_cfg guard_cfg = {
    .lock_user = 5, .lock_address = 20, .base_ms = LOGON_GUARD_BASE_MS};
static struct logon_guard *guard;

enum term_state {
	TERM_CP,       /* no user yet: LOGON */
	TERM_PASSWORD, /* the next line is the password for pending_id */
	TERM_CHECKING, /* the password is being checked (cp/pwcheck.h) */
	TERM_DELAY,    /* a failed LOGON: input ignored until the timer */
	TERM_CLAIM,    /* the SSI cluster is asked whether pending_id is free */
	TERM_USER,     /* logged on */
	TERM_CLOSING,  /* flushing, then closed */
};

struct cp_term {
	int fd;
	int number;
	char name[8];
	char peer[64];
	char host[48]; /* the source address, without the port */
	telnet_t *tn;
	enum term_state state;
	char pending_id[DIR_ID_MAX + 1];
	struct cp_user *user;
	struct cp_console con; /* what the user sees of this terminal (u->term) */
	struct cp_sink sink;
	char line[TERM_LINE_MAX];
	size_t linelen;
	bool overlong; /* the line being typed did not fit: it is discarded */
	bool after_cr;
	char typeahead[TERM_TYPEAHEAD]; /* NUL-separated lines */
	char deferred[TERM_LINE_MAX];	/* the rest of a CP line cut by a hold */
	size_t talen;
	bool telnet;   /* the client ends lines with CR or spoke telnet: a telnet */
	bool echo_off; /* we said WILL ECHO for the password */
	char *out;
	size_t outlen, outcap;
	bool dropping;
	struct tn3270 *s3270; /* negotiating a 3270, or one (cp/tn3270.h) */
	bool logo_pending;    /* the logo waits for the negotiation's outcome */
	struct ev_timer *negotiate_timer;
	unsigned negotiate_rounds;
	struct ev_timer *timer;
	struct ev_timer *close_timer;
	struct ev_timer *logon_timer; /* the LOGON grace period runs */
	struct cp_term *next;
};

static struct cp_term *terms;
static int listen_fd = -1;
static int next_number = 1;
static int nterms; /* connected terminals */

static const telnet_telopt_t term_telopts[] = {
    {TELNET_TELOPT_ECHO, TELNET_WILL, TELNET_DONT},
    /* what a 3270 client may offer (cp/tn3270.h) */
    {TELNET_TELOPT_BINARY, TELNET_WILL, TELNET_DO},
    {TELNET_TELOPT_EOR, TELNET_WILL, TELNET_DO},
    {TELNET_TELOPT_TTYPE, TELNET_WONT, TELNET_DO},
    {40, TELNET_WONT, TELNET_DO}, /* TN3270E */
    {-1, 0, 0},
};

static struct cp_term *term_of(struct cp_console *c)
{
	return (struct cp_term *)((char *)c - offsetof(struct cp_term, con));
}

/* The user leaves this terminal. */
static void term_detach(struct cp_term *t)
{
	if (t->user && t->user->term == &t->con)
		t->user->term = NULL;
	t->user = NULL;
	t->deferred[0] = 0;
}

static void term_destroy(struct cp_term *t)
{
	struct cp_term **pp;

	term_detach(t);
	if (t->timer)
		evloop_timer_cancel(cp_sys.loop, t->timer);
	if (t->close_timer)
		evloop_timer_cancel(cp_sys.loop, t->close_timer);
	if (t->logon_timer)
		evloop_timer_cancel(cp_sys.loop, t->logon_timer);
	if (t->negotiate_timer)
		evloop_timer_cancel(cp_sys.loop, t->negotiate_timer);
	evloop_del(cp_sys.loop, t->fd);
	close(t->fd);
	for (pp = &terms; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	}
	nterms--;
	log_info("terminal %s (%s) closed", t->name, t->peer);
	telnet_free(t->tn);
	tn3270_free(t->s3270);
	free(t->out);
	free(t);
}

/* Write what we can; the rest waits for EPOLLOUT.  Never blocks. */
static void term_flush(struct cp_term *t)
{
	while (t->outlen) {
		ssize_t n = write(t->fd, t->out, t->outlen);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) {
			t->outlen = 0;
			t->state = TERM_CLOSING;
			break;
		}
		memmove(t->out, t->out + n, t->outlen - n);
		t->outlen -= n;
	}
	evloop_mod(cp_sys.loop, t->fd, EPOLLIN | (t->outlen ? EPOLLOUT : 0));
}

/* Destroys a closing terminal whose output is out.  Called only from the
 * top of an event (never under a command that may still use t). */
static bool term_reap(struct cp_term *t)
{
	if (t->state != TERM_CLOSING || t->outlen)
		return false;
	term_destroy(t);
	return true;
}

static void term_close_later(void *opaque)
{
	struct cp_term *t = opaque;

	t->close_timer = NULL;
	term_reap(t);
}

static void term_queue(struct cp_term *t, const char *buf, size_t len)
{
	if (t->outlen + len > TERM_OUT_MAX) {
		if (!t->dropping)
			log_warn("terminal %s: output backlog, dropping", t->name);
		t->dropping = true;
		return;
	}
	t->dropping = false;
	if (t->outlen + len > t->outcap) {
		size_t ncap = t->outcap ? t->outcap : 4096;
		char *n;

		while (ncap < t->outlen + len)
			ncap *= 2;
		n = realloc(t->out, ncap);
		if (!n)
			return;
		t->out = n;
		t->outcap = ncap;
	}
	memcpy(t->out + t->outlen, buf, len);
	t->outlen += len;
}

static bool term_is3270(const struct cp_term *t)
{
	return tn3270_active(t->s3270);
}

static void term_write_raw(struct cp_term *t, const void *buf, size_t len)
{
	if (t->state == TERM_CLOSING)
		return;
	if (term_is3270(t)) {
		tn3270_guest(t->s3270, buf, len);
		term_flush(t);
		return;
	}
	telnet_send(t->tn, buf, len); /* escapes IAC, lands in term_queue */
	term_flush(t);
}

static void term_write_line(struct cp_term *t, const char *text)
{
	if (t->state == TERM_CLOSING)
		return;
	if (term_is3270(t)) {
		tn3270_line(t->s3270, text);
		term_flush(t);
		return;
	}
	telnet_send(t->tn, text, strlen(text));
	telnet_send(t->tn, "\r\n", 2);
	term_flush(t);
}

static void term_sink_line(struct cp_sink *s, const char *text)
{
	term_write_line((struct cp_term *)((char *)s - offsetof(struct cp_term, sink)), text);
}

/* Flush the output, then close: LOGOFF, DISCONNECT, FORCE, takeover. */
static void term_hangup(struct cp_term *t)
{
	term_detach(t);
	if (t->state == TERM_CLOSING)
		return;
	t->state = TERM_CLOSING;
	term_flush(t);
	if (!t->close_timer)
		t->close_timer = evloop_timer(cp_sys.loop, 0, term_close_later, t);
}

void term_set_logon_per_address(unsigned n)
{
	logon_per_address = n;
}

void term_set_logon_guard(unsigned lock_user, unsigned lock_address, unsigned delay_ms)
{
	guard_cfg.lock_user = lock_user;
	guard_cfg.lock_address = lock_address;
	guard_cfg.base_ms = delay_ms;
}

/* Terminals from host that have no user (connected, in LOGON, or closing). */
static unsigned term_pending_from(const char *host)
{
	unsigned n = 0;

	for (struct cp_term *t = terms; t; t = t->next)
		if (t->state != TERM_USER && !strcmp(t->host, host))
			n++;
	return n;
}

/* Too many of them: the newcomer is told so (best effort) and closed. */
static void term_refuse_host(int cfd, const char *host, unsigned n)
{
	static time_t logged;
	char msg[200];
	size_t len;

	cp_msg_format(msg, sizeof(msg) - 2, MSG_TERM_HOST_BUSY, n, host);
	len = strlen(msg);
	memcpy(msg + len, "\r\n", 2);
	if (write(cfd, msg, len + 2) < 0) {
		/* nothing more to do for it */
	}
	close(cfd);
	if (time(NULL) - logged >= 60) { /* a line a minute at most: a flood is one event */
		log_warn("%u terminals from %s have not logged on: refusing more from it", n, host);
		logged = time(NULL);
	}
}

void term_set_logon_timeout(unsigned seconds)
{
	logon_timeout_s = seconds;
}

static void term_logon_expired(void *opaque)
{
	struct cp_term *t = opaque;

	t->logon_timer = NULL;
	if (t->state == TERM_USER || t->state == TERM_CLOSING)
		return;
	log_info("terminal %s (%s): no LOGON within %u s, dropped", t->name, t->peer,
		 logon_timeout_s);
	cp_sink_msg(&t->sink, MSG_TERM_LOGON_TIMEOUT, logon_timeout_s);
	term_hangup(t);
}

/* A terminal without a user: the grace period (re)starts. */
static void term_logon_arm(struct cp_term *t)
{
	if (t->logon_timer)
		evloop_timer_cancel(cp_sys.loop, t->logon_timer);
	t->logon_timer = NULL;
	if (logon_timeout_s)
		t->logon_timer = evloop_timer(cp_sys.loop, (uint64_t)logon_timeout_s * 1000,
					      term_logon_expired, t);
}

/* The user leaves, the line stays: logo, ready for LOGON (LOGOFF HOLD). */
static void term_release(struct cp_term *t)
{
	term_detach(t);
	if (t->state != TERM_USER)
		return;
	t->state = TERM_CP;
	term_logon_arm(t);
	term_write_line(t, "");
	cp_sink_msg(&t->sink, MSG_LOGO);
}

/* A LOGON refused before its password: a locked address or userid. */
static bool term_logon_refused(struct cp_term *t, const char *userid)
{
	uint64_t wait_ms;
	unsigned secs;

	switch (logon_guard_check(guard, userid, t->host, evloop_now_ms(), &wait_ms)) {
	case LOGON_GO:
		return false;
	case LOGON_ADDR_LOCKED:
		secs = (unsigned)((wait_ms + 999) / 1000);
		cp_sink_msg(&t->sink, MSG_LOGON_ADDR_LOCKED, t->host, secs);
		break;
	case LOGON_USER_LOCKED:
		secs = (unsigned)((wait_ms + 999) / 1000);
		cp_sink_msg(&t->sink, MSG_LOGON_USER_LOCKED, userid, t->host, secs);
		break;
	case LOGON_USER_SLOWED:
		secs = (unsigned)((wait_ms + 999) / 1000);
		cp_sink_msg(&t->sink, MSG_LOGON_USER_SLOWED, userid, secs);
		break;
	}
	log_warn("LOGON of %s from %s (%s) refused: too many incorrect passwords", userid, t->name,
		 t->peer);
	return true;
}

static void term_logon_prompt(struct cp_term *t, const char *userid)
{
	if (term_logon_refused(t, userid))
		return;
	snprintf(t->pending_id, sizeof(t->pending_id), "%s", userid);
	t->state = TERM_PASSWORD;
	/* The client stops echoing (before it shows the prompt); we do not
	 * echo either.  A 3270's input area becomes non-display. */
	if (term_is3270(t)) {
		tn3270_hidden(t->s3270, true);
	} else if (t->telnet) {
		/* Raw clients (nc, socat) end lines with LF alone and would show
		 * the option bytes as garbage: they are not sent to them. */
		telnet_negotiate(t->tn, TELNET_WILL, TELNET_TELOPT_ECHO);
		t->echo_off = true;
	}
	cp_sink_msg(&t->sink, MSG_LOGON_PASSWORD);
}

static void term_logon_delayed(void *opaque)
{
	struct cp_term *t = opaque;

	t->timer = NULL;
	t->state = TERM_CP;
	cp_sink_msg(&t->sink, MSG_LOGON_FAILED);
}

static void term_attach(struct cp_term *t, struct cp_user *u, bool reconnected)
{
	char when[64];

	if (u->term && u->term != &t->con) {
		/* z/VM: the new terminal takes over; the old one is told and dropped. */
		struct cp_term *old = term_of(u->term);

		cp_sink_msg(&old->sink, MSG_LOGON_TAKEN_OVER, u->id);
		term_hangup(old);
		log_info("%s: taken over from %s by %s", u->id, old->name, t->name);
	}
	t->user = u;
	t->state = TERM_USER;
	u->term = &t->con;
	if (t->logon_timer)
		evloop_timer_cancel(cp_sys.loop, t->logon_timer);
	t->logon_timer = NULL;
	cp_format_time(time(NULL), when, sizeof(when));
	if (reconnected) {
		cp_sink_msg(&t->sink, MSG_RECONNECTED_AT, when);
		return;
	}
	cp_sink_msg(&t->sink, MSG_LOGON_VERSION);
	cp_sink_msg(&t->sink, MSG_LOGON_NO_LOGMSG);
	cp_sink_msg(&t->sink, MSG_LOGON_FILES);
	cp_sink_msg(&t->sink, MSG_LOGON_AT, when);
}

static struct cp_term *term_by_number(uint64_t number)
{
	for (struct cp_term *t = terms; t; t = t->next)
		if ((uint64_t)t->number == number)
			return t;
	return NULL;
}

/* A new user on t; or, when it got logged on meanwhile, a reconnection. */
static void term_logon_user(struct cp_term *t, struct dir_user *d)
{
	struct cp_user *u = cp_user_find(d->id);

	t->state = TERM_CP;
	if (u) {
		log_info("%s: reconnected on %s (%s)", u->id, t->name, t->peer);
		term_attach(t, u, true);
		return;
	}
	if (cp_user_logon(d, &t->sink, &u))
		return;
	log_info("%s: LOGON on %s (%s)", u->id, t->name, t->peer);
	term_attach(t, u, false);
}

/* The terminal's number and the user, for the cluster's answer. */
struct term_claim {
	int number;
	char id[DIR_ID_MAX + 1];
};

static void term_claimed(void *opaque, int rc, const char *member, const char *err)
{
	struct term_claim *c = opaque;
	struct cp_term *t = term_by_number((uint64_t)c->number);
	struct dir_user *d = dir_find(cp_sys.dir, c->id);

	/* The terminal went, or the user left the directory: nobody logs on. */
	if (t && t->state == TERM_CLAIM && !strcmp(t->pending_id, c->id)) {
		t->state = TERM_CP;
		if (rc || !d)
			cp_ssi_refused(&t->sink, c->id, rc ? rc : -ENOENT, member, err);
		else
			term_logon_user(t, d);
	}
	free(c);
}

/* The password was right: in an SSI cluster, claim the user first. */
static void term_logon_claim(struct cp_term *t, struct dir_user *d)
{
	struct term_claim *c;

	if (!cp_sys.ssi || cp_user_find(d->id)) {
		term_logon_user(t, d);
		return;
	}
	c = malloc(sizeof(*c));
	if (!c) {
		t->state = TERM_CP;
		cp_sink_msg(&t->sink, MSG_SSI_UNAVAILABLE, d->id);
		return;
	}
	c->number = t->number;
	snprintf(c->id, sizeof(c->id), "%s", d->id);
	t->state = TERM_CLAIM; /* typed lines are ignored until the answer */
	if (cp_ssi_claim(d->id, term_claimed, c)) {
		free(c);
		t->state = TERM_CP;
		cp_sink_msg(&t->sink, MSG_SSI_UNAVAILABLE, d->id);
	}
}

static void term_password(struct cp_term *t, const char *password)
{
	struct dir_user *d = dir_find(cp_sys.dir, t->pending_id);

	if (term_is3270(t))
		tn3270_hidden(t->s3270, false);
	if (t->echo_off) {
		telnet_negotiate(t->tn, TELNET_WONT, TELNET_TELOPT_ECHO);
		t->echo_off = false;
		term_write_line(t, ""); /* the Enter the client did not echo */
	}
	if (d && !dir_may_logon(d))
		d = NULL; /* NOLOG, AUTOONLY: the answer of a wrong password */
	if (pwcheck_submit((uint64_t)t->number, d ? d->password : NULL, d && d->hashed, password)) {
		t->state = TERM_CP;
		cp_sink_msg(&t->sink, MSG_LOGON_BUSY);
		return;
	}
	t->state = TERM_CHECKING;
}

static void term_password_wrong(struct cp_term *t)
{
	uint64_t delay = logon_guard_failed(guard, t->pending_id, t->host, evloop_now_ms());

	log_warn("LOGON of %s from %s (%s) failed", t->pending_id, t->name, t->peer);
	t->state = TERM_DELAY;
	t->timer = evloop_timer(cp_sys.loop, delay, term_logon_delayed, t);
}

/* The answer of cp/pwcheck.h, in the loop; the terminal may be gone. */
static void term_password_checked(uint64_t tag, bool ok)
{
	struct cp_term *t = term_by_number(tag);
	struct dir_user *d;

	if (!t || t->state != TERM_CHECKING)
		return;
	/* The directory may have changed meanwhile: look the user up again. */
	d = dir_find(cp_sys.dir, t->pending_id);
	if (!ok || !d || !dir_may_logon(d)) {
		term_password_wrong(t);
		return;
	}
	logon_guard_succeeded(guard, d->id, evloop_now_ms());
	term_logon_claim(t, d);
}

static void term_run(struct cp_term *t, const char *cmd)
{
	struct cp_ctx ctx = {.user = t->user, .term = &t->con, .sink = &t->sink, .line = cmd};

	cp_execute_ctx(&ctx);
}

/* CP READ: split at LINEND; a CP_CMD_REST command takes the rest. */
static void term_cp_commands(struct cp_term *t, char *line)
{
	char linend = t->user ? t->user->linend : 0;

	while (line && t->state == TERM_USER) {
		char *next = NULL;

		if (linend && !cp_command_takes_rest(t->user, line)) {
			next = strchr(line, linend);
			if (next)
				*next++ = 0;
		}
		term_run(t, line);
		line = next;
		if (line && t->state == TERM_USER && t->user->held) {
			/* "SAVESYS X#LOGOFF": what follows runs once the save is done. */
			snprintf(t->deferred, sizeof(t->deferred), "%s", line);
			return;
		}
	}
}

static void term_guest_line(struct cp_term *t, const char *line)
{
	struct cp_user *u = t->user;
	char buf[TERM_LINE_MAX + 1];
	size_t n = strlen(line);

	memcpy(buf, line, n);
	buf[n++] = '\n';
	if (t->s3270)
		tn3270_guest_input(t->s3270);
	if (cp_user_console_in(u, buf, n) != -ENOBUFS)
		return;
	cp_sink_msg(&t->sink, MSG_TERM_TYPEAHEAD_FULL);
	if (t->s3270)
		tn3270_not_accepted(t->s3270);
}

/* Keeps a line typed while the user is held; one that does not fit is dropped. */
static void term_typeahead_add(struct cp_term *t, const char *line)
{
	size_t n = strlen(line) + 1;

	if (t->talen + n > sizeof(t->typeahead)) {
		cp_sink_msg(&t->sink, MSG_TERM_TYPEAHEAD_FULL);
		if (t->s3270)
			tn3270_not_accepted(t->s3270);
		return;
	}
	memcpy(t->typeahead + t->talen, line, n);
	t->talen += n;
}

static void term_user_line(struct cp_term *t, char *line);

/* Takes the lines typed while the user was held (cp_user_hold). */
static void term_typeahead_replay(struct cp_term *t)
{
	char line[TERM_LINE_MAX];
	size_t n;

	if (t->deferred[0] && t->user && !t->user->held && t->state == TERM_USER) {
		snprintf(line, sizeof(line), "%s", t->deferred);
		t->deferred[0] = 0;
		term_cp_commands(t, line);
	}
	while (t->talen && t->user && !t->user->held && t->state == TERM_USER) {
		n = strlen(t->typeahead) + 1;
		memcpy(line, t->typeahead, n);
		t->talen -= n;
		memmove(t->typeahead, t->typeahead + n, t->talen);
		term_user_line(t, line);
	}
}

static void term_user_line(struct cp_term *t, char *line)
{
	struct cp_user *u = t->user;

	if (u->input && u->input->line) {
		u->input->line(u->input->opaque, line);
		return;
	}
	if (u->held) {
		term_typeahead_add(t, line);
		return;
	}
	if (!u->running) {
		term_cp_commands(t, line);
		return;
	}
	if (u->linend && line[0] == u->linend && !strncasecmp(line + 1, "CP", 2) &&
	    (line[3] == 0 || line[3] == ' ')) {
		char *cmds = line + 3 + strspn(line + 3, " ");

		if (!*cmds)
			cp_user_stop(u); /* "#CP" alone: CP READ */
		else
			term_cp_commands(t, cmds);
		return;
	}
	term_guest_line(t, line);
}

static void term_line(struct cp_term *t, char *line)
{
	switch (t->state) {
	case TERM_CP:
		term_run(t, line);
		break;
	case TERM_PASSWORD:
		term_password(t, line);
		break;
	case TERM_USER:
		term_user_line(t, line);
		break;
	default:
		break; /* CHECKING, DELAY, CLOSING: ignored */
	}
}

static void term_data(struct cp_term *t, const char *buf, size_t len)
{
	for (size_t i = 0; i < len && t->state != TERM_CLOSING; i++) {
		char c = buf[i];
		bool cr = c == '\r';

		if ((c == '\n' || c == 0) && t->after_cr) {
			t->after_cr = false;
			continue;
		}
		t->after_cr = cr;
		if (cr)
			t->telnet = true;
		if (c == '\n' || cr) {
			t->line[t->linelen] = 0;
			t->linelen = 0;
			if (t->overlong) {
				/* Half a command or half a guest line does harm: none. */
				t->overlong = false;
				cp_sink_msg(&t->sink, MSG_TERM_LINE_TOO_LONG, TERM_LINE_MAX - 1);
				continue;
			}
			term_line(t, t->line);
			continue;
		}
		if (c == 0)
			continue;
		if ((c == 8 || c == 127) && t->linelen) { /* raw clients' backspace */
			t->linelen--;
			continue;
		}
		if (t->linelen < TERM_LINE_MAX - 1)
			t->line[t->linelen++] = c;
		else
			t->overlong = true;
	}
}

static void term_attention(struct cp_term *t, unsigned char cmd)
{
	struct cp_user *u = t->user;

	if (t->state != TERM_USER || !u)
		return;
	if (u->input && u->input->attn) {
		u->input->attn(u->input->opaque);
		return;
	}
	if (cmd == TELNET_IP) {
		/* telnet turns Ctrl-C into IP: give it to the guest as Ctrl-C. */
		if (u->running)
			cp_user_console_in(u, "\003", 1);
		return;
	}
	cp_user_stop(u);
}

/* ---- 3270 terminals: the session's host (cp/tn3270.h) ---- */

static telnet_t *t3270_telnet(void *opaque)
{
	return ((struct cp_term *)opaque)->tn;
}

static bool t3270_room(void *opaque, size_t len)
{
	return ((struct cp_term *)opaque)->outlen + len <= TERM_OUT_MAX;
}

/* Not a 3270: a line-mode terminal from now on, as before. */
static void term_line_mode(struct cp_term *t)
{
	tn3270_free(t->s3270);
	t->s3270 = NULL;
	if (t->negotiate_timer)
		evloop_timer_cancel(cp_sys.loop, t->negotiate_timer);
	t->negotiate_timer = NULL;
	if (t->logo_pending) {
		t->logo_pending = false;
		cp_sink_msg(&t->sink, MSG_LOGO);
	}
}

/* No answer to DO TN3270E: nc, socat; a client mid-negotiation goes on. */
static void term_negotiate_expired(void *opaque)
{
	struct cp_term *t = opaque;

	t->negotiate_timer = NULL;
	if (!t->s3270 || tn3270_active(t->s3270))
		return;
	/* A client that answered but never finishes (a telnet whose TERM names
	 * a 3270 but that has no END-OF-RECORD, which it refuses silently)
	 * gets line mode after TERM_NEGOTIATE_MAX_MS. */
	if (tn3270_answered(t->s3270) &&
	    ++t->negotiate_rounds < TERM_NEGOTIATE_MAX_MS / TERM_NEGOTIATE_MS) {
		t->negotiate_timer =
		    evloop_timer(cp_sys.loop, TERM_NEGOTIATE_MS, term_negotiate_expired, t);
		if (t->negotiate_timer)
			return;
	}
	term_line_mode(t);
}

static void t3270_flush(void *opaque)
{
	term_flush(opaque);
}

static void t3270_mode(void *opaque, enum tn3270_mode mode)
{
	struct cp_term *t = opaque;
	int rows, cols;

	switch (mode) {
	case TN3270_LINE: /* the session calls nothing after this */
		term_line_mode(t);
		break;
	case TN3270_3270:
		tn3270_size(t->s3270, &rows, &cols);
		log_info("terminal %s: 3270 (%s, %dx%d)", t->name, tn3270_type(t->s3270), rows,
			 cols);
		t->telnet = true;
		t->logo_pending = false;
		t->con.is3270 = true;
		if (t->state == TERM_USER || t->state == TERM_PASSWORD)
			break; /* nothing to show again */
		cp_sink_msg(&t->sink, MSG_LOGO);
		break;
	case TN3270_DROP:
		log_warn("terminal %s (%s): 3270 protocol broken, dropped", t->name, t->peer);
		term_hangup(t);
		break;
	}
}

/* Typed lines are shown in the output area, as z/VM does, except what
 * goes to a running guest (which echoes it) and passwords. */
static void t3270_echo(struct cp_term *t, const char *line)
{
	struct cp_user *u = t->user;

	if (t->state == TERM_PASSWORD || t->state == TERM_DELAY)
		return;
	if (t->state == TERM_USER && u && u->running && !(u->input && u->input->line) &&
	    !(u->linend && line[0] == u->linend && !strncasecmp(line + 1, "CP", 2)))
		return;
	tn3270_line(t->s3270, line);
}

static void t3270_line(void *opaque, char *line)
{
	struct cp_term *t = opaque;

	t3270_echo(t, line);
	term_line(t, line);
	if (t->s3270 && t->state != TERM_CLOSING)
		tn3270_refresh(t->s3270);
}

/* A PF key: the user's SET PFnn (RETRIEVE on PF12 before LOGON too). */
static void t3270_pf(struct cp_term *t, int n)
{
	struct cp_user *u = t->state == TERM_USER ? t->user : NULL;
	enum cp_pf how = u ? u->pf_how[n] : n == 11 ? CP_PF_RETRIEVE : CP_PF_NONE;
	char line[TERM_LINE_MAX];

	switch (how) {
	case CP_PF_RETRIEVE:
		tn3270_retrieve(t->s3270);
		break;
	case CP_PF_DELAYED:
		tn3270_set_input(t->s3270, u->pf[n]);
		break;
	case CP_PF_IMMED:
		snprintf(line, sizeof(line), "%s", u->pf[n]);
		t3270_line(t, line);
		break;
	default:
		tn3270_not_accepted(t->s3270);
		break;
	}
}

static void t3270_key(void *opaque, enum tn3270_key key)
{
	struct cp_term *t = opaque;

	if (key >= TN3270_PF1 && key < TN3270_PF1 + CP_PF_KEYS) {
		t3270_pf(t, key - TN3270_PF1);
		return;
	}
	if (key == TN3270_PA1 && t->state == TERM_USER && t->user) {
		term_attention(t, TELNET_BREAK); /* the break key, as #CP alone */
		if (t->s3270)
			tn3270_refresh(t->s3270);
		return;
	}
	tn3270_not_accepted(t->s3270);
}

static enum tn3270_state t3270_state(void *opaque)
{
	struct cp_term *t = opaque;

	if (t->state != TERM_USER || !t->user)
		return TN3270_NO_USER;
	return t->user->running ? TN3270_RUNNING : TN3270_CP_READ;
}

static void t3270_more(void *opaque, unsigned *n, unsigned *m, bool *hold)
{
	struct cp_term *t = opaque;

	if (t->state != TERM_USER || !t->user)
		return;
	*n = t->user->more_s;
	*m = t->user->more2_s;
	*hold = t->user->hold;
}

static const struct tn3270_host t3270_host = {
    .telnet = t3270_telnet,
    .room = t3270_room,
    .flush = t3270_flush,
    .mode = t3270_mode,
    .line = t3270_line,
    .key = t3270_key,
    .state = t3270_state,
    .more = t3270_more,
};

/* A telnet event the 3270 session takes; false: line mode handles it. */
static bool term_3270_event(struct cp_term *t, telnet_event_t *ev)
{
	if (!t->s3270 || t->state == TERM_CLOSING)
		return t->state == TERM_CLOSING;
	switch (ev->type) {
	case TELNET_EV_DATA:
		if (!tn3270_active(t->s3270)) {
			term_line_mode(t); /* typed before negotiating: no 3270 */
			return false;
		}
		tn3270_data(t->s3270, (const uint8_t *)ev->data.buffer, ev->data.size);
		return true;
	case TELNET_EV_WILL:
	case TELNET_EV_WONT:
	case TELNET_EV_DO:
	case TELNET_EV_DONT:
		t->telnet = true;
		tn3270_negotiated(t->s3270, ev->type, ev->neg.telopt);
		return true;
	case TELNET_EV_SUBNEGOTIATION:
		tn3270_subnegotiation(t->s3270, ev->sub.telopt, (const uint8_t *)ev->sub.buffer,
				      ev->sub.size);
		return true;
	case TELNET_EV_IAC:
		if (ev->iac.cmd != TELNET_EOR || !tn3270_active(t->s3270))
			return false;
		tn3270_eor(t->s3270);
		return true;
	default:
		return false;
	}
}

static void term_telnet_event(telnet_t *tn, telnet_event_t *ev, void *opaque)
{
	struct cp_term *t = opaque;

	if (ev->type != TELNET_EV_SEND && term_3270_event(t, ev))
		return;
	switch (ev->type) {
	case TELNET_EV_DATA:
		term_data(t, ev->data.buffer, ev->data.size);
		break;
	case TELNET_EV_SEND:
		term_queue(t, ev->data.buffer, ev->data.size);
		break;
	case TELNET_EV_WILL:
	case TELNET_EV_WONT:
	case TELNET_EV_DO:
	case TELNET_EV_DONT:
		t->telnet = true;
		break;
	case TELNET_EV_IAC:
		t->telnet = true;
		if (ev->iac.cmd == TELNET_BREAK || ev->iac.cmd == TELNET_IP)
			term_attention(t, ev->iac.cmd);
		break;
	case TELNET_EV_ERROR:
		log_warn("terminal %s: telnet: %s", t->name, ev->error.msg);
		break;
	default:
		break;
	}
}

static void term_event(void *opaque, int fd, uint32_t events)
{
	struct cp_term *t = opaque;
	char buf[4096];
	ssize_t n;

	if (events & EPOLLOUT) {
		term_flush(t);
		if (term_reap(t))
			return;
	}
	if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		return;
	n = read(fd, buf, sizeof(buf));
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		/* The line dropped: a logged-on user is disconnected, not logged off. */
		if (t->user)
			log_info("%s: terminal %s dropped, user disconnected", t->user->id,
				 t->name);
		t->outlen = 0;
		term_destroy(t);
		return;
	}
	telnet_recv(t->tn, buf, n);
	term_flush(t);
	term_reap(t); /* LOGOFF, DISCONNECT */
}

/* The terminal as its user sees it (struct cp_console, cp/user.h). */

static void con_line(struct cp_console *c, const char *text)
{
	term_write_line(term_of(c), text);
}

static void con_raw(struct cp_console *c, const void *buf, size_t len)
{
	term_write_raw(term_of(c), buf, len);
}

static void con_leave(struct cp_console *c, bool hold)
{
	if (hold)
		term_release(term_of(c));
	else
		term_hangup(term_of(c));
}

static void con_resume(struct cp_console *c)
{
	struct cp_term *t = term_of(c);

	term_typeahead_replay(t);
	if (t->s3270 && t->state != TERM_CLOSING)
		tn3270_refresh(t->s3270);
}

static void con_logon(struct cp_console *c, const char *userid)
{
	term_logon_prompt(term_of(c), userid);
}

static void term_console_init(struct cp_term *t)
{
	t->con = (struct cp_console){.line = con_line,
				     .raw = con_raw,
				     .leave = con_leave,
				     .resume = con_resume,
				     .logon = con_logon,
				     .name = t->name};
}

static void term_accept(void *opaque, int fd, uint32_t events);

static void term_accept_resume(void *opaque)
{
	if (listen_fd >= 0)
		evloop_add(cp_sys.loop, listen_fd, EPOLLIN, term_accept, NULL);
}

/* Too many terminals: the newcomer is told so (best effort) and closed. */
static void term_refuse(int cfd)
{
	static bool logged;
	char msg[160];
	size_t n;

	cp_msg_format(msg, sizeof(msg) - 2, MSG_TERM_TOO_MANY, TERM_MAX);
	n = strlen(msg);
	memcpy(msg + n, "\r\n", 2);
	if (write(cfd, msg, n + 2) < 0) {
		/* nothing more to do for it */
	}
	close(cfd);
	if (!logged)
		log_warn("%d terminals connected: further connections are refused", TERM_MAX);
	logged = true;
}

static void term_accept(void *opaque, int fd, uint32_t events)
{
	struct sockaddr_storage sa;
	socklen_t salen = sizeof(sa);
	struct cp_term *t;
	int cfd = accept4(fd, (struct sockaddr *)&sa, &salen, SOCK_NONBLOCK | SOCK_CLOEXEC);
	char host[48], port[8];

	int one = 1;

	if (cfd < 0) {
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
			/* The connection stays queued and epoll would report it at
			 * once, forever: stop listening for a moment instead. */
			log_warn("accepting a terminal: %s; retrying in %d ms", strerror(errno),
				 ACCEPT_RETRY_MS);
			evloop_del(cp_sys.loop, fd);
			if (!evloop_timer(cp_sys.loop, ACCEPT_RETRY_MS, term_accept_resume, NULL))
				evloop_add(cp_sys.loop, fd, EPOLLIN, term_accept, NULL);
		}
		return;
	}
	if (nterms >= TERM_MAX) {
		term_refuse(cfd);
		return;
	}
	if (getnameinfo((struct sockaddr *)&sa, salen, host, sizeof(host), port, sizeof(port),
			NI_NUMERICHOST | NI_NUMERICSERV)) {
		snprintf(host, sizeof(host), "?");
		snprintf(port, sizeof(port), "?");
	}
	if (logon_per_address && term_pending_from(host) >= logon_per_address) {
		term_refuse_host(cfd, host, term_pending_from(host));
		return;
	}
	/* A terminal is interactive: a response or an echoed guest line goes
	 * out at once, not after the client's delayed ACK (Nagle). */
	setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	t = calloc(1, sizeof(*t));
	if (!t) {
		free(t);
		close(cfd);
		return;
	}
	t->fd = cfd;
	t->number = next_number++;
	snprintf(t->name, sizeof(t->name), "L%04X", t->number & 0xffff);
	snprintf(t->host, sizeof(t->host), "%s", host);
	snprintf(t->peer, sizeof(t->peer), "%s:%s", host, port);
	t->sink.line = term_sink_line;
	term_console_init(t);
	t->tn = telnet_init(term_telopts, term_telnet_event, 0, t);
	struct tn3270_host th = t3270_host;

	th.opaque = t;
	t->s3270 = tn3270_new(&th, cp_sys.loop, TERM_SYSNAME);
	if (!t->tn || !t->s3270 || evloop_add(cp_sys.loop, cfd, EPOLLIN, term_event, t)) {
		if (t->tn)
			telnet_free(t->tn);
		tn3270_free(t->s3270);
		free(t);
		close(cfd);
		return;
	}
	t->next = terms;
	terms = t;
	nterms++;
	log_info("terminal %s connected from %s", t->name, t->peer);
	term_logon_arm(t);
	/* Is it a 3270?  The client's answer decides; meanwhile (and for nc,
	 * which never answers) it is a line-mode terminal. */
	tn3270_start(t->s3270);
	term_flush(t);
	t->logo_pending = true;
	t->negotiate_timer =
	    evloop_timer(cp_sys.loop, TERM_NEGOTIATE_MS, term_negotiate_expired, t);
	if (!t->negotiate_timer)
		term_line_mode(t);
}

static int term_guard_init(void)
{
	guard = logon_guard_new(&guard_cfg);
	if (!guard)
		return -ENOMEM;
	return pwcheck_init(cp_sys.loop, term_password_checked);
}

int term_listen(const char *hostport)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE}, *ai = NULL;
	char host[256];
	const char *colon = strrchr(hostport, ':');
	int fd = -1, one = 1, rc;

	if (!colon || (size_t)(colon - hostport) >= sizeof(host))
		return -EINVAL;
	memcpy(host, hostport, colon - hostport);
	host[colon - hostport] = 0;
	rc = getaddrinfo(host[0] ? host : NULL, colon + 1, &hints, &ai);
	if (rc)
		return -EINVAL;
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		rc = -errno;
		goto out;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 64) < 0) {
		rc = -errno;
		close(fd);
		goto out;
	}
	rc = term_guard_init();
	if (!rc)
		rc = evloop_add(cp_sys.loop, fd, EPOLLIN, term_accept, NULL);
	if (rc) {
		close(fd);
		goto out;
	}
	listen_fd = fd;
out:
	freeaddrinfo(ai);
	return rc;
}

void term_close_all(void)
{
	pwcheck_shutdown();
	logon_guard_free(guard);
	guard = NULL;
	if (listen_fd >= 0) {
		evloop_del(cp_sys.loop, listen_fd);
		close(listen_fd);
		listen_fd = -1;
	}
	while (terms) {
		struct cp_term *t = terms;

		/* One last try to deliver what is queued, without waiting. */
		t->user = NULL;
		term_flush(t);
		if (terms == t)
			term_destroy(t);
	}
}
