// SPDX-License-Identifier: MIT
/* Disk images named on the command line (boot, run-elf): IMG or IMG,ro. */
#include "cli/disk.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FIRST_VDEV 0x200

int disk_add(struct machine_config *cfg, const char *spec, const char *who)
{
	struct machine_disk *d;
	char *path = strdup(spec), *comma;
	off_t size;
	int rc = -1;

	if (!path)
		return -1;
	if (cfg->ndisks >= MACHINE_MAX_DISKS) {
		fprintf(stderr, "%s: at most %d disks\n", who, MACHINE_MAX_DISKS);
		goto out;
	}
	d = &cfg->disks[cfg->ndisks];
	comma = strrchr(path, ',');
	d->readonly = comma && !strcmp(comma, ",ro");
	if (d->readonly)
		*comma = 0;
	d->fd = open(path, d->readonly ? O_RDONLY : O_RDWR);
	size = d->fd < 0 ? -1 : lseek(d->fd, 0, SEEK_END);
	if (size < 0) {
		fprintf(stderr, "%s: %s: %s\n", who, path, strerror(errno));
		if (d->fd >= 0)
			close(d->fd);
		goto out;
	}
	d->size = (uint64_t)size;
	d->vdev = (uint16_t)(FIRST_VDEV + cfg->ndisks);
	rc = cfg->ndisks++;
out:
	free(path);
	return rc;
}

void disk_close_all(struct machine_config *cfg)
{
	for (int i = 0; i < cfg->ndisks; i++)
		close(cfg->disks[i].fd);
	cfg->ndisks = 0;
}

int cpus_set(struct machine_config *cfg, const char *arg, const char *who)
{
	char *end;
	long n = strtol(arg, &end, 10);

	if (end == arg || *end || n < 1 || n > MACHINE_MAX_CPUS) {
		fprintf(stderr, "%s: --cpus takes 1 to %d, not %s\n", who, MACHINE_MAX_CPUS, arg);
		return -1;
	}
	cfg->ncpus = (int)n;
	return 0;
}
