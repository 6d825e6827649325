/* SPDX-License-Identifier: MIT */
#ifndef RVCP_CP_EBCDIC_H
#define RVCP_CP_EBCDIC_H
/*
 * EBCDIC code page 037, the 3270's character set (cp/ebcdic.c): tables
 * to and from ISO 8859-1 (a bijection), and the conversions the 3270
 * session needs between them and the guest's UTF-8.
 */
#include <stddef.h>
#include <stdint.h>

/*
 * Shown for a character the code page does not have (a control, a code
 * point beyond U+00FF, a broken UTF-8 sequence): the 3270's SUB, which
 * x3270 and its relatives draw as a solid block, never confused with a
 * character the guest really wrote.
 */
#define EBCDIC_SUB   0x3f
#define EBCDIC_SPACE 0x40

extern const uint8_t ebcdic_to_latin1[256];
extern const uint8_t ebcdic_from_latin1[256];

/* The EBCDIC byte that shows Unicode code point cp (EBCDIC_SUB if none). */
uint8_t ebcdic_display(uint32_t cp);
/* One EBCDIC byte as UTF-8 (1 or 2 bytes written to out); the length. */
size_t ebcdic_to_utf8(uint8_t e, char out[2]);

#endif
