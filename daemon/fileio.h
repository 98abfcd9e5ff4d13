/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Bounded reads of kernel-provided files under a root directory, so tests
 * can point every probe at a fixture tree. root NULL or "" means "/".
 */
#ifndef XH_FILEIO_H
#define XH_FILEIO_H

#include <stddef.h>
#include <sys/types.h>

/* Join root and an absolute path into out. -ENAMETOOLONG if it won't fit. */
int root_path(const char *root, const char *path, char *out, size_t outsz);

/*
 * Read the whole file root/path into buf (terminated). Returns the length
 * read, -EFBIG when the file holds more than bufsz - 1 bytes, or -errno
 * from open/read (-ENOENT when absent).
 */
ssize_t read_file_at(const char *root, const char *path, char *buf,
    size_t bufsz);

/* As read_file_at() and strip trailing whitespace (sysfs one-liners). */
ssize_t read_line_at(const char *root, const char *path, char *buf,
    size_t bufsz);

/* Read a file that may hold binary data; no terminator is added. */
ssize_t read_bin_at(const char *root, const char *path, void *buf,
    size_t bufsz);

/* 1 if root/path exists, 0 if not, -errno on other errors. */
int exists_at(const char *root, const char *path);

#endif
