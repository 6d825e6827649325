// SPDX-License-Identifier: MIT
/*
 * rvcp zipl --disk IMG --kernel Image [--initrd F] [--parm TEXT]
 * Writes an IPL record and its components onto a disk image, in the gap
 * before the first partition (machine/ipl.h), leaving partitions and file
 * systems as they are.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "machine/ipl.h"
#include "util/file.h"

static int zipl_usage(FILE *f)
{
	fprintf(f, "usage: rvcp zipl --disk IMG --kernel Image [--initrd F] [--parm TEXT]\n"
		   "Writes an IPL record (sector 1) and the kernel, initrd and parameter line\n"
		   "(from sector 2 up to the first partition) onto the disk image IMG.\n");
	return f == stdout ? 0 : 2;
}

int zipl_main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"disk", required_argument, NULL, 'd'},   {"kernel", required_argument, NULL, 'k'},
	    {"initrd", required_argument, NULL, 'i'}, {"parm", required_argument, NULL, 'p'},
	    {"help", no_argument, NULL, 'h'},	      {0},
	};
	const char *disk = NULL, *kpath = NULL, *ipath = NULL;
	struct ipl_image img = {0};
	void *kernel = NULL, *initrd = NULL;
	char err[512];
	int c, fd = -1, rc = 1;
	off_t size;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			disk = optarg;
			break;
		case 'k':
			kpath = optarg;
			break;
		case 'i':
			ipath = optarg;
			break;
		case 'p':
			img.parm = optarg;
			break;
		case 'h':
			return zipl_usage(stdout);
		default:
			return zipl_usage(stderr);
		}
	}
	if (!disk || !kpath || optind != argc)
		return zipl_usage(stderr);
	kernel = file_read_all(kpath, &img.klen);
	if (!kernel) {
		fprintf(stderr, "rvcp zipl: %s: %s\n", kpath, strerror(errno));
		goto out;
	}
	img.kernel = kernel;
	if (ipath) {
		initrd = file_read_all(ipath, &img.ilen);
		if (!initrd) {
			fprintf(stderr, "rvcp zipl: %s: %s\n", ipath, strerror(errno));
			goto out;
		}
		img.initrd = initrd;
	}
	fd = open(disk, O_RDWR);
	size = fd < 0 ? -1 : lseek(fd, 0, SEEK_END);
	if (size < 0) {
		fprintf(stderr, "rvcp zipl: %s: %s\n", disk, strerror(errno));
		goto out;
	}
	if (ipl_write(fd, (uint64_t)size, &img, err, sizeof(err))) {
		fprintf(stderr, "rvcp zipl: %s: %s\n", disk, err);
		goto out;
	}
	printf("rvcp zipl: %s: IPL record written (kernel %zu bytes%s%s%s)\n", disk, img.klen,
	       ipath ? ", initrd" : "", img.parm ? ", parm: " : "", img.parm ? img.parm : "");
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	free(kernel);
	free(initrd);
	return rc;
}
