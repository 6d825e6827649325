// SPDX-License-Identifier: MIT
/*
 * TRACE command lists split at LINEND (cp/nss.c): each command loses its
 * leading blanks and commas, so SAVELX's "SAVESYS LXSHR#, TRACE END ALL"
 * (built from QUERY TERMINAL's "LINEND #,") runs TRACE END ALL.
 */
#include <stdio.h>
#include <string.h>

#include "cp/nss.h"

static char got[8][64];
static int n;

static void take(void *opaque, const char *cmd)
{
	if (n < 8)
		snprintf(got[n++], sizeof(got[0]), "%s", cmd);
}

static int expect(const char *cmds, char linend, int want, const char *const *w)
{
	n = 0;
	nss_trace_split(cmds, linend, take, NULL);
	if (n != want)
		goto bad;
	for (int i = 0; i < want; i++)
		if (strcmp(got[i], w[i]))
			goto bad;
	return 0;
bad:
	fprintf(stderr, "'%s' (linend %c): got %d commands:", cmds, linend ? linend : '-', n);
	for (int i = 0; i < n; i++)
		fprintf(stderr, " [%s]", got[i]);
	fprintf(stderr, "\n");
	return 1;
}

int main(void)
{
	int f = 0;

	f += expect("SAVESYS LXSHR#TRACE END ALL", '#', 2,
		    (const char *const[]){"SAVESYS LXSHR", "TRACE END ALL"});
	f += expect("SAVESYS LXSHR#, TRACE END ALL", '#', 2,
		    (const char *const[]){"SAVESYS LXSHR", "TRACE END ALL"});
	f += expect("  Q V STOR ## ,,  # Q T", '#', 2, (const char *const[]){"Q V STOR ", "Q T"});
	f += expect("A;B#C", ';', 2, (const char *const[]){"A", "B#C"});
	f += expect("A#B", 0, 1, (const char *const[]){"A#B"}); /* LINEND OFF */
	f += expect("", '#', 0, NULL);
	f += expect("#", '#', 0, NULL);
	return f != 0;
}
