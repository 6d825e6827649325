/* SPDX-License-Identifier: MIT */
#ifndef RVCP_CP_MESSAGES_H
#define RVCP_CP_MESSAGES_H
/*
 * CP's messages in z/VM's form HCPmmmnnns (mmm the issuing module, nnn the
 * number, s the severity), all from the one list cp/messages.def, which
 * says how to add one.
 *
 * A handler never prints: it calls
 *     return cp_msg(ctx, MSG_STORAGE, "64M");
 * which writes the message's lines to the command's sink and returns the
 * message's return code: its number for W, E and S messages, 0 for R and I.
 * cp_msg and its siblings are macros that pass the message's own format
 * (MSG_<name>_fmt) to a printf-like function, so the compiler checks every
 * call's arguments against the format in the list.  The message id must
 * therefore be written out, never a variable.
 */
#include <stdbool.h>
#include <stddef.h>

/* Where response lines go: a terminal, a user, a capture buffer (EXEC). */
struct cp_sink {
	void (*line)(struct cp_sink *s, const char *text); /* one line, no '\n' */
};

enum cp_msg_id {
#define MSG(name, mod, num, sev, fmt) MSG_##name,
#include "cp/messages.def"
#undef MSG
	MSG_COUNT
};

/* Each message's format, for the compiler's checks at every call. */
#define MSG(name, mod, num, sev, fmt)                                                              \
	static const char MSG_##name##_fmt[] __attribute__((unused)) = fmt;
#include "cp/messages.def"
#undef MSG

struct cp_message {
	const char *module; /* three letters: CMD, LGA, IPL, ... */
	unsigned number;    /* 1..9999 */
	char severity;	    /* R response, I, W, E, S */
	const char *text;   /* printf format; '\n' separates lines */
};

extern const struct cp_message cp_messages[MSG_COUNT];

/* Message id into sink s (NULL: nowhere), one call of s->line per line. */
#define cp_sink_msg(s, id, ...) cp_msg_put((s), id, id##_fmt, ##__VA_ARGS__)
/* Into the sink of a command's context (struct cp_ctx, cp/commands.h). */
#define cp_msg(ctx, id, ...) cp_msg_put((ctx)->sink, id, id##_fmt, ##__VA_ARGS__)
/* To a user's terminal (struct cp_user, cp/user.h); dropped while disconnected. */
#define cp_user_msg(u, id, ...) cp_msg_put(&(u)->sink, id, id##_fmt, ##__VA_ARGS__)
/* Into buf (lines separated by '\n', identifier in front unless a response). */
#define cp_msg_format(buf, size, id, ...) cp_msg_print(buf, size, id, id##_fmt, ##__VA_ARGS__)

/*
 * Does the message end with an operand the user typed ("Invalid option -
 * %s")?  z/VM shows it in upper case, and so does cp_msg.  Such a message
 * has one conversion, "%s", at the end of its format.
 */
bool cp_msg_echoes_operand(enum cp_msg_id id);

/* What the macros call: fmt is cp_messages[id].text.  Return the rc. */
__attribute__((format(printf, 3, 4))) int cp_msg_put(struct cp_sink *s, enum cp_msg_id id,
						     const char *fmt, ...);
__attribute__((format(printf, 4, 5))) int cp_msg_print(char *buf, size_t size, enum cp_msg_id id,
						       const char *fmt, ...);

#endif
