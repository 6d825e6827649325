// SPDX-License-Identifier: MIT
/*
 * The machine as an ELF core (machine_write_core): the ELF and program
 * headers, the registers in NT_PRSTATUS where Linux puts them, storage at
 * its offset with zero pages left as holes, a kernel-half Sv39 mapping as a
 * PT_LOAD onto the same bytes, and a VMCOREINFO page found.  With
 * RVCP_COREDUMP_MIB=n it dumps n MiB of storage with every page written and
 * prints how long that took (the figure for "a 1 GiB guest in seconds").
 */
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "machine/machine.h"
#include "tests/unit/check.h"

static const Elf64_Phdr *find_load(const uint8_t *f, const Elf64_Ehdr *e, uint64_t vaddr)
{
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(f + e->e_phoff);

	for (int i = 0; i < e->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD && ph[i].p_vaddr == vaddr)
			return &ph[i];
	return NULL;
}

static const uint8_t *find_note(const uint8_t *f, const Elf64_Phdr *note, uint32_t type,
				const char *name, uint32_t *len)
{
	const uint8_t *p = f + note->p_offset, *end = p + note->p_filesz;

	while (p + 12 <= end) {
		uint32_t nsz, dsz, t;

		memcpy(&nsz, p, 4);
		memcpy(&dsz, p + 4, 4);
		memcpy(&t, p + 8, 4);
		if (t == type && !strcmp((const char *)p + 12, name)) {
			*len = dsz;
			return p + 12 + ((nsz + 3) & ~3u);
		}
		p += 12 + ((nsz + 3) & ~3u) + ((dsz + 3) & ~3u);
	}
	return NULL;
}

static void check_core(void)
{
	struct machine_config cfg = {.mem_size = 32 << 20};
	struct machine *m = machine_create(&cfg);
	struct guest_mem *mem = machine_mem(m);
	struct hart *h = machine_hart(m);
	struct hart_state s;
	struct machine_core_stats st;
	char path[] = "/tmp/coredumpXXXXXX";
	int fd = mkstemp(path);
	uint64_t root = 0x100000, leaf = (RAM_BASE >> 12) << 10 | 0xcf;
	struct stat sb;
	uint8_t *f;

	CHECK(m && fd >= 0);
	unlink(path);
	memcpy(mem->base + 0x300000, "MARKER", 7);
	strcpy((char *)mem->base + 0x500000, "OSRELEASE=6.1.0\nPAGESIZE=4096\n");
	memcpy(mem->base + root + 511 * 8, &leaf, 8); /* 0xffffffffc0000000 -> RAM_BASE */
	hart_get_state(h, &s);
	s.pc = 0x80201234;
	for (int i = 1; i < 32; i++)
		s.x[i] = 0x1000 + i;
	s.satp = 8ull << 60 | (RAM_BASE + root) >> 12;
	s.priv = PRV_S;
	hart_set_state(h, &s);
	CHECK(machine_write_core(m, fd, &st) == 0);
	CHECK(st.segments == 1 && st.data_bytes == 3 * 4096);
	CHECK(fstat(fd, &sb) == 0 && (uint64_t)sb.st_size == st.file_size);
	CHECK(sb.st_blocks * 512 < (1 << 20)); /* holes */
	f = malloc(sb.st_size);
	CHECK(f && pread(fd, f, sb.st_size, 0) == sb.st_size);
	const Elf64_Ehdr *e = (const Elf64_Ehdr *)f;
	CHECK(!memcmp(e->e_ident, ELFMAG, 4) && e->e_type == ET_CORE && e->e_machine == EM_RISCV);
	CHECK(e->e_phnum == 3);
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(f + e->e_phoff);
	CHECK(ph[0].p_type == PT_NOTE);
	const Elf64_Phdr *phys = find_load(f, e, RAM_BASE);
	const Elf64_Phdr *virt = find_load(f, e, 0xffffffffc0000000ull);
	CHECK(phys && phys->p_paddr == RAM_BASE && phys->p_filesz == cfg.mem_size);
	CHECK(phys && !memcmp(f + phys->p_offset + 0x300000, "MARKER", 7));
	CHECK(virt && virt->p_paddr == RAM_BASE && virt->p_offset == phys->p_offset &&
	      virt->p_filesz == cfg.mem_size);
	uint32_t len = 0;
	const uint8_t *pr = find_note(f, &ph[0], NT_PRSTATUS, "CORE", &len);
	uint64_t reg[32];
	CHECK(pr && len == 376);
	memcpy(reg, pr + 112, sizeof(reg));
	CHECK(reg[0] == 0x80201234 && reg[1] == 0x1001 && reg[31] == 0x101f);
	const uint8_t *vi = find_note(f, &ph[0], 0, "VMCOREINFO", &len);
	CHECK(vi && len == strlen("OSRELEASE=6.1.0\nPAGESIZE=4096\n"));
	free(f);
	close(fd);
	machine_destroy(m);
}

/* RVCP_COREDUMP_MIB: every page of n MiB written, the time it takes. */
static void measure(unsigned mib)
{
	struct machine_config cfg = {.mem_size = (uint64_t)mib << 20};
	struct machine *m = machine_create(&cfg);
	struct machine_core_stats st;
	char path[] = "/tmp/coredumpXXXXXX";
	int fd = mkstemp(path);
	struct timespec a, b, c;

	if (!m || fd < 0)
		return;
	unlink(path);
	memset(machine_mem(m)->base, 0xa5, cfg.mem_size);
	clock_gettime(CLOCK_MONOTONIC, &a);
	CHECK(machine_write_core(m, fd, &st) == 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	CHECK(fsync(fd) == 0);
	clock_gettime(CLOCK_MONOTONIC, &c);
	printf("%u MiB, all pages written: %.2f s to the page cache, %.2f s more for fsync\n", mib,
	       (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9,
	       (double)(c.tv_sec - b.tv_sec) + (double)(c.tv_nsec - b.tv_nsec) / 1e9);
	close(fd);
	machine_destroy(m);
}

int main(void)
{
	const char *mib = getenv("RVCP_COREDUMP_MIB");

	check_core();
	if (mib)
		measure((unsigned)atoi(mib));
	return failures != 0;
}
