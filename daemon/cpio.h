/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A bounded writer for the "newc" cpio format, the one the kernel unpacks
 * as an initramfs (Documentation/driver-api/early-userspace/
 * buffer-format.rst): a 110-byte ASCII header ("070701" and thirteen
 * 8-digit hex fields), the name and its NUL padded to 4 bytes, the data
 * padded to 4 bytes, and a "TRAILER!!!" entry at the end.
 *
 * The resume gate repacks the running initramfs with it for the kexec
 * of a repair. Every file gets nlink 1 (hard links become copies, which
 * the kernel unpacks as separate files), so no inode bookkeeping is
 * needed. Logs nothing; returns -errno.
 */
#ifndef XH_CPIO_H
#define XH_CPIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#define CPIO_HDR_SIZE 110
#define CPIO_NAME_MAX 4096	/* with the NUL: PATH_MAX */
#define CPIO_FILE_MAX 0xffffffffull	/* the filesize field's limit */
#define CPIO_DEPTH_MAX 64	/* directory levels cpio_write_tree() enters */

struct cpio_writer {
	int fd;
	uint64_t size;		/* bytes written so far */
	uint64_t max_size;	/* never write past this many bytes */
	uint32_t next_ino;
	uint32_t entries;	/* entries written, trailer excluded */
	int error;		/* first error, sticky: later calls fail */
};

/* Write to fd (its current position), at most max_size bytes in all. */
void cpio_writer_init(struct cpio_writer *w, int fd, uint64_t max_size);

/*
 * One entry. name is relative ("bin/sh", no leading '/', no "..").
 * st gives the type, mode, uid, gid, mtime and, for devices, st_rdev.
 * Regular files: exactly st->st_size bytes are copied from data_fd (a
 * file that shrinks while read is -EIO). Symlinks: link is the target.
 * Directories, devices and fifos carry no data; sockets are -EINVAL.
 * -ENAMETOOLONG, -EFBIG (a file over 4 GiB, or max_size reached),
 * -EINVAL (bad name or type), -errno from read(2)/write(2).
 */
int cpio_write_entry(struct cpio_writer *w, const char *name,
    const struct stat *st, int data_fd, const char *link);

/* The "TRAILER!!!" entry. 0 or the writer's error. */
int cpio_write_trailer(struct cpio_writer *w);

/*
 * Every file under dir, parents before children, names sorted bytewise,
 * without dir itself. Entries named in empty_dirs (top-level names such
 * as "proc", NULL-terminated; may be NULL) are written as directories
 * without their contents; so is every directory on another file system
 * than dir (a mount point). The file skip (st_dev and st_ino; may be
 * NULL), e.g. the output itself, and sockets are left out. At most
 * CPIO_DEPTH_MAX levels deep (-ELOOP beyond). Does not write the trailer.
 */
int cpio_write_tree(struct cpio_writer *w, const char *dir,
    const char *const *empty_dirs, const struct stat *skip);

#endif
