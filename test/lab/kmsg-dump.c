// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kmsg-dump: copy every record still in the kernel log buffer from
 * /dev/kmsg to stdout in the raw /dev/kmsg format
 * ("prio,seq,ts,flags;message\n" plus " KEY=value\n" continuation lines),
 * then exit instead of waiting for new records.  Lab tool: built static
 * and put into the domU initramfs by build.sh.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int
write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/dev/kmsg";
	char buf[16384];	/* larger than any record (CONSOLE_EXT_LOG_MAX) */
	unsigned long lost = 0;
	int fd;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "kmsg-dump: %s: %s\n", path, strerror(errno));
		return EXIT_FAILURE;
	}
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n > 0) {
			if (write_all(STDOUT_FILENO, buf, (size_t)n) < 0) {
				perror("kmsg-dump: write");
				return EXIT_FAILURE;
			}
			continue;
		}
		if (n == 0 || errno == EAGAIN)
			break;
		if (errno == EINTR)
			continue;
		if (errno == EPIPE) {	/* records overwritten under us */
			lost++;
			continue;
		}
		fprintf(stderr, "kmsg-dump: read: %s\n", strerror(errno));
		return EXIT_FAILURE;
	}
	if (lost > 0)
		fprintf(stderr, "kmsg-dump: %lu gap(s) (EPIPE)\n", lost);
	close(fd);
	return EXIT_SUCCESS;
}
