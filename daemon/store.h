/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The record store in the resume swap area's header page: read both
 * slots, write the next one durably and check it read back
 * (proto/SWAPSLOT.md). Logs nothing; returns -errno.
 */
#ifndef XH_STORE_H
#define XH_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "record.h"
#include "swaphdr.h"
#include "swapslot.h"

/*
 * The disk seen by the store: every read, write and flush of the swap
 * area goes through these, so tests can fail or tear them. Each returns
 * what the syscall would, as -errno: bytes transferred (>= 0) or -errno;
 * fsync 0 or -errno. store_ops_default uses pread(2), pwrite(2) and
 * fdatasync(2).
 */
struct store_ops {
	ssize_t (*pread)(void *userdata, int fd, void *buf, size_t n,
	    uint64_t off);
	ssize_t (*pwrite)(void *userdata, int fd, const void *buf, size_t n,
	    uint64_t off);
	int (*fsync)(void *userdata, int fd);
	void *userdata;
};

extern const struct store_ops store_ops_default;

struct store_state {
	bool is_blockdev;	/* else a regular file */
	unsigned int sector_size;	/* logical sector size (512 for
					   regular files) */
	uint64_t dev_pages;	/* size of the device or file, in pages */
	uint64_t offset;	/* the header page, in pages */
	struct swaphdr hdr;	/* what swaphdr_parse() found */
	int writable;		/* 0 when store_write() may write here
				   (UUID aside), else its refusal */
	struct swapslot_set slots;
};

/*
 * Read the header page at offset pages into path (a block device, or a
 * regular file standing in for one) and decode both slots. Returns 0,
 * or -ENOMSG when the page carries no swap signature (the slots are
 * not interpreted then and read as empty), or an error from the
 * table in SWAPSLOT.md section 6 (-ENOTBLK, -ENXIO, -ENODATA, -errno).
 */
int store_read(const char *path, uint64_t offset, struct store_state *st);
int store_read_ops(const struct store_ops *ops, const char *path,
    uint64_t offset, struct store_state *st);

/*
 * Store rec as the new current record of the swap area at offset pages
 * into path, whose header must carry expected_uuid (16 bytes). Sets
 * rec->seq to the next sequence number, writes only the 512 bytes of the
 * older slot, flushes them, reads the page back and checks it. Returns
 * the slot written (SWAPSLOT_A or SWAPSLOT_B), or -errno (SWAPSLOT.md
 * section 6); nothing is written unless every check before the write
 * passed, and rec->seq is unchanged then. ops NULL: store_ops_default.
 */
int store_write(const char *path, uint64_t offset,
    const uint8_t expected_uuid[16], struct record *rec);
int store_write_ops(const struct store_ops *ops, const char *path,
    uint64_t offset, const uint8_t expected_uuid[16], struct record *rec);

/*
 * Text for `xen-handover show-slots DEV`: the header, then one line per
 * slot (state, the decode error, or seq, state, kernel release and evtchn
 * ABI of a valid record), then where the next write goes. Returns the
 * length written (terminated), -ENOBUFS when buf is too small (buf then
 * holds a truncated, terminated text).
 */
int store_format_slots(const struct store_state *st, char *buf,
    size_t bufsz);

/* A precise message for any error store_read()/store_write() return. */
const char *store_strerror(int err);

#endif
