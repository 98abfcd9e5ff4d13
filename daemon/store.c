// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The record store in the resume swap area's header page: the I/O around
 * proto/swapslot.c. The protocol, the crash analysis and the error codes
 * are in proto/SWAPSLOT.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/fs.h>

#include "store.h"
#include "util.h"

/* old page, new page, sector: each at a 4096-byte boundary (O_DIRECT). */
#define BUF_ALIGN 4096
#define BUF_OLD 0
#define BUF_NEW SWAP_PAGE_SIZE
#define BUF_SECTOR (2 * SWAP_PAGE_SIZE)
#define BUF_SIZE (3 * SWAP_PAGE_SIZE)

struct area {
	int fd;
	bool is_blockdev;
	unsigned int sector_size;
	uint64_t size;		/* bytes */
	uint64_t page_off;	/* byte offset of the header page */
};

static ssize_t	sys_pread(void *, int, void *, size_t, uint64_t);
static ssize_t	sys_pwrite(void *, int, const void *, size_t, uint64_t);
static int	sys_fsync(void *, int);
static int	area_open(const char *, bool, uint64_t, struct area *);
static int	read_page(const struct store_ops *, const struct area *,
		    uint8_t *);
static void	*alloc_buf(void);
static void	slots_empty(struct swapslot_set *);
static void	state_fill(const struct area *, uint64_t,
		    struct store_state *);
static int	append(char *, size_t, size_t *, const char *, ...)
		    _printf_(4, 5);

const struct store_ops store_ops_default = {
	.pread = sys_pread,
	.pwrite = sys_pwrite,
	.fsync = sys_fsync,
	.userdata = NULL,
};

static ssize_t
sys_pread(void *userdata, int fd, void *buf, size_t n, uint64_t off)
{
	ssize_t r;

	do
		r = pread(fd, buf, n, (off_t)off);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

static ssize_t
sys_pwrite(void *userdata, int fd, const void *buf, size_t n, uint64_t off)
{
	ssize_t r;

	do
		r = pwrite(fd, buf, n, (off_t)off);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

static int
sys_fsync(void *userdata, int fd)
{
	int r;

	do
		r = fdatasync(fd);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : 0;
}

/*
 * Open the area and learn what it is. Block devices go through O_DIRECT
 * so that reads see the disk, not a page cache the kernel's own
 * hibernation I/O (bios) bypasses, and so that a write sends exactly one
 * 512-byte sector to the device.
 */
static int
area_open(const char *path, bool for_write, uint64_t offset, struct area *a)
{
	struct stat st;
	int fd, flags;

	a->fd = -1;
	if (!path || !*path)
		return -EINVAL;
	fd = open(path, (for_write ? O_RDWR : O_RDONLY) | O_CLOEXEC |
	    O_NOCTTY);
	if (fd < 0)
		return -errno;
	a->fd = fd;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISBLK(st.st_mode)) {
		int ssz;

		a->is_blockdev = true;
		if (ioctl(fd, BLKSSZGET, &ssz) < 0)
			return -errno;
		if (ssz < 512)
			return -EOPNOTSUPP;
		a->sector_size = (unsigned int)ssz;
		if (ioctl(fd, BLKGETSIZE64, &a->size) < 0)
			return -errno;
		flags = fcntl(fd, F_GETFL);
		if (flags < 0 || fcntl(fd, F_SETFL, flags | O_DIRECT) < 0)
			return -errno;
	} else if (S_ISREG(st.st_mode)) {
		a->is_blockdev = false;
		a->sector_size = 512;
		a->size = (uint64_t)st.st_size;
	} else {
		return -ENOTBLK;
	}
	/* The whole header page must lie on the device. */
	if (offset > (uint64_t)INT64_MAX / SWAP_PAGE_SIZE - 1 ||
	    (offset + 1) * SWAP_PAGE_SIZE > a->size)
		return -ENXIO;
	a->page_off = offset * SWAP_PAGE_SIZE;
	return 0;
}

static int
read_page(const struct store_ops *ops, const struct area *a, uint8_t *page)
{
	size_t done = 0;
	ssize_t r;

	memset(page, 0, SWAP_PAGE_SIZE);
	while (done < SWAP_PAGE_SIZE) {
		r = ops->pread(ops->userdata, a->fd, page + done,
		    SWAP_PAGE_SIZE - done, a->page_off + done);
		if (r < 0)
			return (int)r;
		if (r == 0)
			return -ENODATA;
		done += (size_t)r;
	}
	return 0;
}

static void *
alloc_buf(void)
{
	void *p;

	if (posix_memalign(&p, BUF_ALIGN, BUF_SIZE) != 0)
		return NULL;
	memset(p, 0, BUF_SIZE);
	return p;
}

static void
state_fill(const struct area *a, uint64_t offset, struct store_state *st)
{
	st->is_blockdev = a->is_blockdev;
	st->sector_size = a->sector_size;
	st->dev_pages = a->size / SWAP_PAGE_SIZE;
	st->offset = offset;
}

static void
slots_empty(struct swapslot_set *set)
{
	unsigned int i;

	for (i = 0; i < SWAPSLOT_COUNT; i++) {
		set->slot[i].state = SWAPSLOT_EMPTY;
		set->slot[i].error = -ENOMSG;
		record_init(&set->slot[i].rec);
	}
	set->current = -1;
	set->next = SWAPSLOT_A;
	set->next_seq = 1;
	set->seq_exhausted = false;
}

int
store_read_ops(const struct store_ops *ops, const char *path,
    uint64_t offset, struct store_state *st)
{
	_cleanup_free_ uint8_t *buf = NULL;
	struct area a;
	int r;

	if (!ops)
		ops = &store_ops_default;
	memset(st, 0, sizeof(*st));
	slots_empty(&st->slots);
	st->writable = -ENOMSG;
	st->offset = offset;

	r = area_open(path, false, offset, &a);
	if (r < 0)
		goto out;
	state_fill(&a, offset, st);
	buf = alloc_buf();
	if (!buf) {
		r = -ENOMEM;
		goto out;
	}
	r = read_page(ops, &a, buf + BUF_OLD);
	if (r < 0)
		goto out;

	st->writable = swapslot_check_header(buf + BUF_OLD, st->dev_pages,
	    NULL, &st->hdr);
	if (st->writable == -ENOMSG) {
		/* Not a swap area: bytes 2048.. belong to someone else. */
		r = -ENOMSG;
		goto out;
	}
	if (st->writable == 0 && a.sector_size > SWAPSLOT_SIZE)
		st->writable = -EOPNOTSUPP;
	swapslot_decode(buf + BUF_OLD, &st->slots);
	r = 0;
out:
	if (a.fd >= 0)
		close(a.fd);
	return r;
}

int
store_read(const char *path, uint64_t offset, struct store_state *st)
{
	return store_read_ops(NULL, path, offset, st);
}

int
store_write_ops(const struct store_ops *ops, const char *path,
    uint64_t offset, const uint8_t expected_uuid[16], struct record *rec)
{
	_cleanup_free_ uint8_t *buf = NULL;
	struct swapslot_set *set = NULL;
	uint8_t *old, *new, *sector;
	uint64_t saved_seq = 0, at;
	struct area a = { .fd = -1 };
	ssize_t w;
	int r, slot;

	if (!ops)
		ops = &store_ops_default;
	if (!path || !expected_uuid || !rec)
		return -EINVAL;
	saved_seq = rec->seq;

	r = area_open(path, true, offset, &a);
	if (r < 0)
		goto out;
	/* A larger logical sector would drag the swsusp tail along. */
	if (a.sector_size > SWAPSLOT_SIZE) {
		r = -EOPNOTSUPP;
		goto out;
	}
	buf = alloc_buf();
	set = malloc(sizeof(*set));
	if (!buf || !set) {
		r = -ENOMEM;
		goto out;
	}
	old = buf + BUF_OLD;
	new = buf + BUF_NEW;
	sector = buf + BUF_SECTOR;

	/* Serialise our own writers (daemon, CLI, initramfs gate). */
	if (flock(a.fd, LOCK_EX) < 0) {
		r = -errno;
		goto out;
	}
	r = read_page(ops, &a, old);
	if (r < 0)
		goto out;
	r = swapslot_check_header(old, a.size / SWAP_PAGE_SIZE,
	    expected_uuid, NULL);
	if (r < 0)
		goto out;
	swapslot_decode(old, set);
	slot = swapslot_prepare(set, rec, sector);
	if (slot < 0) {
		r = slot;
		goto out;
	}

	/* The only write: 512 bytes, inside 2048..3071 of the header page. */
	at = a.page_off + SWAPSLOT_OFF(slot);
	w = ops->pwrite(ops->userdata, a.fd, sector, SWAPSLOT_SIZE, at);
	if (w < 0) {
		r = (int)w;
		goto out;
	}
	if (w != SWAPSLOT_SIZE) {
		r = -EIO;
		goto out;
	}
	r = ops->fsync(ops->userdata, a.fd);
	if (r < 0)
		goto out;

	/* It counts only once it reads back, and nothing else moved. */
	r = read_page(ops, &a, new);
	if (r < 0)
		goto out;
	r = swapslot_verify(old, new, (unsigned int)slot, sector);
	if (r < 0)
		goto out;
	r = slot;
out:
	if (r < 0 && rec)
		rec->seq = saved_seq;
	free(set);
	if (a.fd >= 0)
		close(a.fd);
	return r;
}

int
store_write(const char *path, uint64_t offset,
    const uint8_t expected_uuid[16], struct record *rec)
{
	return store_write_ops(NULL, path, offset, expected_uuid, rec);
}

static int
append(char *buf, size_t bufsz, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*len >= bufsz)
		return -ENOBUFS;
	va_start(ap, fmt);
	n = vsnprintf(buf + *len, bufsz - *len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	if ((size_t)n >= bufsz - *len) {
		*len = bufsz;
		return -ENOBUFS;
	}
	*len += (size_t)n;
	return 0;
}

int
store_format_slots(const struct store_state *st, char *buf, size_t bufsz)
{
	const struct swapslot_set *set = &st->slots;
	char uuid[37];
	size_t len = 0;
	unsigned int i;
	int r = 0;

	if (!buf || bufsz == 0)
		return -ENOBUFS;
	buf[0] = '\0';
	if (st->hdr.sig == SWAP_SIG_NONE) {
		r = append(buf, bufsz, &len, "area: no swap signature at "
		    "byte %d of page %" PRIu64 "; no slots\n",
		    SWAPHDR_SIG_OFF, st->offset);
		return r < 0 ? r : (int)len;
	}
	xh_format_uuid(st->hdr.uuid, uuid);
	r = append(buf, bufsz, &len, "area: %s%s, UUID %s, header page %"
	    PRIu64 " of %" PRIu64 "\n", swap_sig_to_string(st->hdr.sig),
	    st->hdr.is_image ? " (hibernation image)" : "", uuid,
	    st->offset, st->dev_pages);
	if (r == 0 && st->writable == 0)
		r = append(buf, bufsz, &len, "writable: yes\n");
	else if (r == 0)
		r = append(buf, bufsz, &len, "writable: no (%s)\n",
		    store_strerror(st->writable));
	for (i = 0; r == 0 && i < SWAPSLOT_COUNT; i++) {
		const struct swapslot *s = &set->slot[i];

		r = append(buf, bufsz, &len, "slot %s (bytes %zu-%zu): %s",
		    swapslot_name(i), SWAPSLOT_OFF(i),
		    SWAPSLOT_OFF(i) + SWAPSLOT_SIZE - 1,
		    swapslot_state_to_string(s->state));
		if (r == 0 && s->state == SWAPSLOT_INVALID)
			r = append(buf, bufsz, &len, ": %s",
			    record_strerror(s->error));
		if (r == 0 && s->state == SWAPSLOT_VALID)
			r = append(buf, bufsz, &len, ", seq %" PRIu64
			    ", state %s, kernel %s, evtchn %s%s",
			    s->rec.seq, record_state_to_string(s->rec.state),
			    s->rec.kernel_release,
			    evtchn_abi_to_string(s->rec.evtchn),
			    set->current == (int)i ? ", current" : "");
		if (r == 0)
			r = append(buf, bufsz, &len, "\n");
	}
	if (r == 0 && set->seq_exhausted)
		r = append(buf, bufsz, &len, "next write: none (%s)\n",
		    swapslot_strerror(-EDOM));
	else if (r == 0)
		r = append(buf, bufsz, &len, "next write: slot %s, seq %"
		    PRIu64 "\n", swapslot_name(set->next), set->next_seq);
	return r < 0 ? r : (int)len;
}

const char *
store_strerror(int err)
{
	if (err > 0)
		err = -err;
	switch (err) {
	case 0:
		return "success";
	case -EINVAL:
		return "invalid argument, or a record field that cannot be "
		    "encoded";
	case -ENOTBLK:
		return "not a block device or regular file";
	case -EBUSY:
		return "the area holds a hibernation image whose record must "
		    "stay current: resume it, or discard it (mkswap) first";
	case -EOPNOTSUPP:
		return "device sectors are larger than 512 bytes: a slot "
		    "cannot be written alone";
	case -ENXIO:
		return "the header page lies beyond the end of the device";
	case -ENODATA:
		return "short read of the header page";
	case -EIO:
		return "I/O error, or the slot did not read back as written";
	case -ENOMSG:
	case -EMEDIUMTYPE:
	case -EPROTONOSUPPORT:
	case -EUCLEAN:
	case -ERANGE:
	case -EOVERFLOW:
	case -ENOKEY:
	case -ESTALE:
	case -EDOM:
		return swapslot_strerror(err);
	case -EMSGSIZE:
		return record_strerror(err);
	default:
		return strerror(-err);
	}
}
