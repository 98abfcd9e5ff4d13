// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for the record slots in the swap header page
 * (proto/swapslot.c) and the store that reads and writes them
 * (daemon/store.c), on file-backed swap areas made here or by mkswap(8):
 * A/B alternation, refusals that write nothing, crashes injected at every
 * step of a write, and bytes outside the slot that never change.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "record.h"
#include "store.h"
#include "swaphdr.h"
#include "swapslot.h"

#define PAGE SWAP_PAGE_SIZE

static const uint8_t uuid[16] = {
	0x5f, 0x0c, 0x8d, 0x3e, 0x1b, 0x2a, 0x4c, 0x5d,
	0x9e, 0x8f, 0x0a, 0x1b, 0x2c, 0x3d, 0x4e, 0x5f,
};
#define UUID_TEXT "5f0c8d3e-1b2a-4c5d-9e8f-0a1b2c3d4e5f"

/* Where a swap area lives in its file, and what made its header. */
struct layout {
	const char *name;
	uint64_t total_pages;	/* file size */
	uint64_t offset;	/* header page (resume_offset) */
	bool mkswap;		/* header by mkswap(8), else built here */
	bool image;		/* an S1SUSPEND image is in the area */
};

static const struct layout layouts[] = {
	{ "partition", 64, 0, false, false },
	{ "swapfile", 96, 37, false, false },
	{ "mkswap-partition", 64, 0, true, false },
	{ "mkswap-swapfile", 96, 37, true, false },
	{ "image", 64, 0, false, true },
	{ "image-swapfile", 96, 37, false, true },
	{ "mkswap-image-swapfile", 96, 21, true, true },
};
#define NLAYOUTS (int)(sizeof(layouts) / sizeof(layouts[0]))

static char dir[1024];
static char area[1100];
static char scratch[1100];

static void	fill_rec(struct record *, int);
static uint8_t	pattern(uint64_t);
static void	build_header(uint8_t *, uint64_t);
static void	set_image(uint8_t *);
static const char *find_mkswap(void);
static bool	make_area(const struct layout *);
static uint8_t	*slurp(const char *, size_t *);
static void	read_hdr_page(const struct layout *, uint8_t *);
static void	write_hdr_page(const struct layout *, const uint8_t *);
static void	assert_same_outside(const uint8_t *, const uint8_t *, size_t,
		    uint64_t, int);
static int	count_valid(const struct store_state *);

static void
setup(void)
{
	const char *t = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/check_store.XXXXXX",
	    t && *t ? t : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(area, sizeof(area), "%s/area", dir);
	snprintf(scratch, sizeof(scratch), "%s/mkswap", dir);
}

static void
teardown(void)
{
	unlink(area);
	unlink(scratch);
	rmdir(dir);
}

/* A record told apart by i: creation time and kernel release. */
static void
fill_rec(struct record *r, int i)
{
	record_init(r);
	r->created = 1732200000 + i;
	snprintf(r->kernel_release, sizeof(r->kernel_release),
	    "6.1.0-%d-amd64", i);
	r->guest_type = GUEST_HVM;
	r->evtchn = i % 2 ? EVTCHN_2L : EVTCHN_FIFO;
	r->gnttab_version = 1;
	r->state = i % 3 ? RECORD_STATE_RUNNING : RECORD_STATE_HIBERNATING;
	r->swap.has_uuid = true;
	memcpy(r->swap.uuid, uuid, 16);
	r->seq = 999999;	/* store_write() must replace it */
}

/* Bytes that are not ours: never zero, different at every offset. */
static uint8_t
pattern(uint64_t off)
{
	uint64_t x = off * 0x9e3779b97f4a7c15ull;

	return (uint8_t)((x >> 56) | 1);
}

static void
put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/*
 * An mkswap-style header with foreign bytes wherever nobody looks
 * (boot bits, 3072..4055), so "untouched" means something. Slots zero.
 */
static void
build_header(uint8_t *page, uint64_t area_pages)
{
	size_t i;

	memset(page, 0, PAGE);
	for (i = 0; i < 1024; i++)
		page[i] = pattern(i + 7);
	for (i = SWAPSLOT_AREA_END; i < SWAPHDR_SWSUSP_OFF; i++)
		page[i] = pattern(i + 11);
	put_le32(page + SWAPHDR_VERSION_OFF, 1);
	put_le32(page + SWAPHDR_LAST_PAGE_OFF, (uint32_t)(area_pages - 1));
	put_le32(page + SWAPHDR_NR_BADPAGES_OFF, 2);
	memcpy(page + SWAPHDR_UUID_OFF, uuid, 16);
	memcpy(page + SWAPHDR_LABEL_OFF, "xhtest", 6);
	put_le32(page + SWAPHDR_BADPAGES_OFF, 11);
	put_le32(page + SWAPHDR_BADPAGES_OFF + 4, 12);
	memcpy(page + SWAPHDR_SIG_OFF, "SWAPSPACE2", 10);
}

/* What mark_swapfiles() leaves: the swsusp tail of an image. */
static void
set_image(uint8_t *page)
{
	put_le32(page + 4056, 0);		/* hw_sig */
	put_le32(page + 4060, 0xdeadbeef);	/* crc32 */
	put_le32(page + 4064, 5);		/* image, low half */
	put_le32(page + 4068, 0);
	put_le32(page + 4072, 4);		/* flags: SF_CRC32_MODE */
	memcpy(page + 4076, "SWAPSPACE2", 10);
	memcpy(page + 4086, "S1SUSPEND\0", 10);
}

static const char *
find_mkswap(void)
{
	static const char *const cand[] = {
		"/usr/sbin/mkswap", "/sbin/mkswap", "/usr/bin/mkswap",
	};
	size_t i;

	for (i = 0; i < sizeof(cand) / sizeof(cand[0]); i++)
		if (access(cand[i], X_OK) == 0)
			return cand[i];
	return NULL;
}

static void
write_at(const char *path, uint64_t off, const void *buf, size_t n)
{
	int fd = open(path, O_WRONLY);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pwrite(fd, buf, n, (off_t)off), (ssize_t)n);
	close(fd);
}

static void
read_at(const char *path, uint64_t off, void *buf, size_t n)
{
	int fd = open(path, O_RDONLY);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, buf, n, (off_t)off), (ssize_t)n);
	close(fd);
}

static void
read_hdr_page(const struct layout *l, uint8_t *page)
{
	read_at(area, l->offset * PAGE, page, PAGE);
}

static void
write_hdr_page(const struct layout *l, const uint8_t *page)
{
	write_at(area, l->offset * PAGE, page, PAGE);
}

/*
 * Make the file: foreign bytes everywhere (the "image" or whatever else
 * lives there), the header page at l->offset. false when the layout
 * needs mkswap and there is none.
 */
static bool
make_area(const struct layout *l)
{
	uint64_t area_pages = l->total_pages - l->offset;
	uint8_t *buf, page[PAGE];
	size_t i, n = (size_t)l->total_pages * PAGE;
	const char *mk = NULL;
	FILE *f;

	if (l->mkswap && !(mk = find_mkswap()))
		return false;
	buf = malloc(n);
	ck_assert_ptr_nonnull(buf);
	for (i = 0; i < n; i++)
		buf[i] = pattern(i);
	f = fopen(area, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(buf, 1, n, f), n);
	ck_assert_int_eq(fclose(f), 0);
	free(buf);

	if (l->mkswap) {
		char cmd[2600];

		/* mkswap a file as large as the area, copy its page 0. */
		f = fopen(scratch, "wb");
		ck_assert_ptr_nonnull(f);
		ck_assert_int_eq(ftruncate(fileno(f),
		    (off_t)(area_pages * PAGE)), 0);
		ck_assert_int_eq(fclose(f), 0);
		chmod(scratch, 0600);
		snprintf(cmd, sizeof(cmd), "%s -q -U %s '%s' >/dev/null 2>&1",
		    mk, UUID_TEXT, scratch);
		ck_assert_msg(system(cmd) == 0, "%s failed", cmd);
		read_at(scratch, 0, page, PAGE);
		ck_assert_mem_eq(page + SWAPHDR_SIG_OFF, "SWAPSPACE2", 10);
		ck_assert_mem_eq(page + SWAPHDR_UUID_OFF, uuid, 16);
	} else {
		build_header(page, area_pages);
	}
	if (l->image)
		set_image(page);
	write_hdr_page(l, page);
	return true;
}

static uint8_t *
slurp(const char *path, size_t *len)
{
	struct stat st;
	uint8_t *buf;

	ck_assert_int_eq(stat(path, &st), 0);
	buf = malloc((size_t)st.st_size + 1);
	ck_assert_ptr_nonnull(buf);
	read_at(path, 0, buf, (size_t)st.st_size);
	*len = (size_t)st.st_size;
	return buf;
}

/* Whole files equal except slot `slot` of the header page (-1: none). */
static void
assert_same_outside(const uint8_t *a, const uint8_t *b, size_t n,
    uint64_t offset, int slot)
{
	size_t lo = SIZE_MAX, hi = SIZE_MAX, i;

	if (slot >= 0) {
		lo = (size_t)offset * PAGE + SWAPSLOT_OFF(slot);
		hi = lo + SWAPSLOT_SIZE;
	}
	for (i = 0; i < n; i++) {
		if (i >= lo && i < hi)
			continue;
		if (a[i] != b[i])
			ck_abort_msg("byte %zu (page %zu, +%zu) changed",
			    i, i / PAGE, i % PAGE);
	}
}

static int
count_valid(const struct store_state *st)
{
	int i, n = 0;

	for (i = 0; i < SWAPSLOT_COUNT; i++)
		if (st->slots.slot[i].state == SWAPSLOT_VALID)
			n++;
	return n;
}

/* ---- proto/swapslot.c ------------------------------------------------ */

static void
page_with(uint8_t *page, int seq_a, int seq_b)
{
	struct record r;

	build_header(page, 64);
	if (seq_a >= 0) {
		fill_rec(&r, seq_a);
		r.seq = (uint64_t)seq_a;
		ck_assert_int_gt(swapslot_build(&r,
		    page + SWAPSLOT_OFF(SWAPSLOT_A)), 0);
	}
	if (seq_b >= 0) {
		fill_rec(&r, seq_b);
		r.seq = (uint64_t)seq_b;
		ck_assert_int_gt(swapslot_build(&r,
		    page + SWAPSLOT_OFF(SWAPSLOT_B)), 0);
	}
}

START_TEST(test_decode_empty)
{
	uint8_t page[PAGE];
	struct swapslot_set set;
	int i;

	build_header(page, 64);
	swapslot_decode(page, &set);
	for (i = 0; i < SWAPSLOT_COUNT; i++) {
		ck_assert_int_eq(set.slot[i].state, SWAPSLOT_EMPTY);
		ck_assert_int_eq(set.slot[i].error, -ENOMSG);
	}
	ck_assert_int_eq(set.current, -1);
	ck_assert_ptr_null(swapslot_current(&set));
	ck_assert_int_eq(set.next, SWAPSLOT_A);
	ck_assert_uint_eq(set.next_seq, 1);

	/* Foreign bytes in a slot are "empty" too, not "invalid". */
	memcpy(page + SWAPSLOT_OFF(SWAPSLOT_B), "LABELONE some other tool", 24);
	swapslot_decode(page, &set);
	ck_assert_int_eq(set.slot[SWAPSLOT_B].state, SWAPSLOT_EMPTY);
}
END_TEST

/* seq in A, seq in B (-1: empty) -> current, next, next_seq. */
static const struct {
	int a, b;
	int current;
	int next;
	uint64_t next_seq;
} picks[] = {
	{ -1, -1, -1, SWAPSLOT_A, 1 },
	{ 1, -1, SWAPSLOT_A, SWAPSLOT_B, 2 },
	{ -1, 1, SWAPSLOT_B, SWAPSLOT_A, 2 },
	{ 4, 5, SWAPSLOT_B, SWAPSLOT_A, 6 },
	{ 7, 6, SWAPSLOT_A, SWAPSLOT_B, 8 },
	{ 3, 3, SWAPSLOT_A, SWAPSLOT_B, 4 },	/* tie: A is current */
	{ 0, -1, SWAPSLOT_A, SWAPSLOT_B, 1 },
	{ 100, 2, SWAPSLOT_A, SWAPSLOT_B, 101 },
};

START_TEST(test_decode_pick)
{
	uint8_t page[PAGE], sector[SWAPSLOT_SIZE];
	struct swapslot_set set;
	struct record r;
	int want;

	page_with(page, picks[_i].a, picks[_i].b);
	swapslot_decode(page, &set);
	ck_assert_int_eq(set.current, picks[_i].current);
	ck_assert_int_eq(set.next, picks[_i].next);
	ck_assert_uint_eq(set.next_seq, picks[_i].next_seq);
	ck_assert(!set.seq_exhausted);
	if (picks[_i].current >= 0) {
		want = picks[_i].current == SWAPSLOT_A ? picks[_i].a :
		    picks[_i].b;
		ck_assert_ptr_nonnull(swapslot_current(&set));
		ck_assert_int_eq(swapslot_current(&set)->created,
		    1732200000 + want);
	}

	fill_rec(&r, 50);
	ck_assert_int_eq(swapslot_prepare(&set, &r, sector),
	    picks[_i].next);
	ck_assert_uint_eq(r.seq, picks[_i].next_seq);
	/* The planned page makes the new record current. */
	memcpy(page + SWAPSLOT_OFF(set.next), sector, SWAPSLOT_SIZE);
	swapslot_decode(page, &set);
	ck_assert_int_eq(set.current, picks[_i].next);
	ck_assert_int_eq(swapslot_current(&set)->created, 1732200050);
}
END_TEST

START_TEST(test_seq_exhausted)
{
	uint8_t page[PAGE], sector[SWAPSLOT_SIZE];
	struct swapslot_set set;
	struct record r;

	page_with(page, 3, -1);
	fill_rec(&r, 1);
	r.seq = UINT64_MAX;
	ck_assert_int_gt(swapslot_build(&r, page + SWAPSLOT_OFF(SWAPSLOT_B)),
	    0);
	swapslot_decode(page, &set);
	ck_assert_int_eq(set.current, SWAPSLOT_B);
	ck_assert(set.seq_exhausted);
	fill_rec(&r, 2);
	ck_assert_int_eq(swapslot_prepare(&set, &r, sector), -EDOM);
	ck_assert_uint_eq(r.seq, 999999);	/* untouched */
}
END_TEST

START_TEST(test_decode_invalid)
{
	uint8_t page[PAGE];
	struct swapslot_set set;

	page_with(page, 8, 9);
	page[SWAPSLOT_OFF(SWAPSLOT_B) + 40] ^= 0x20;	/* payload bit */
	swapslot_decode(page, &set);
	ck_assert_int_eq(set.slot[SWAPSLOT_B].state, SWAPSLOT_INVALID);
	ck_assert_int_eq(set.slot[SWAPSLOT_B].error, -EBADMSG);
	ck_assert_int_eq(set.current, SWAPSLOT_A);
	ck_assert_int_eq(set.next, SWAPSLOT_B);
	ck_assert_uint_eq(set.next_seq, 9);
	/* Nothing of a rejected record is visible. */
	ck_assert_uint_eq(set.slot[SWAPSLOT_B].rec.seq, 0);
	ck_assert_str_eq(set.slot[SWAPSLOT_B].rec.kernel_release, "");

	/* A newer major version is no usable record either. */
	page_with(page, 8, 9);
	page[SWAPSLOT_OFF(SWAPSLOT_A) + 8] = 2;
	swapslot_decode(page, &set);
	ck_assert_int_eq(set.slot[SWAPSLOT_A].state, SWAPSLOT_INVALID);
	ck_assert_int_eq(set.slot[SWAPSLOT_A].error, -EPROTONOSUPPORT);
	ck_assert_int_eq(set.current, SWAPSLOT_B);
	ck_assert_int_eq(set.next, SWAPSLOT_A);
}
END_TEST

/* One fault per row; every other field of the header stays good. */
enum hdr_fault {
	HF_NONE,
	HF_NOSIG,
	HF_SWAPSPACE1,
	HF_ULSUSPEND,
	HF_S2SUSPEND,
	HF_LINHIB,
	HF_S1_ORIG_BAD,
	HF_VERSION0,
	HF_VERSION2,
	HF_LAST_SMALL,
	HF_LAST_BEYOND,
	HF_BADPAGES,
	HF_BADPAGES_HUGE,
	HF_UUID_ZERO,
	HF_UUID_OTHER,
};

static const struct {
	enum hdr_fault f;
	int err;
} hdr_faults[] = {
	{ HF_NONE, 0 },
	{ HF_NOSIG, -ENOMSG },
	{ HF_SWAPSPACE1, -ENOMSG },
	{ HF_ULSUSPEND, -EMEDIUMTYPE },
	{ HF_S2SUSPEND, -EMEDIUMTYPE },
	{ HF_LINHIB, -EMEDIUMTYPE },
	{ HF_S1_ORIG_BAD, -EMEDIUMTYPE },
	{ HF_VERSION0, -EPROTONOSUPPORT },
	{ HF_VERSION2, -EPROTONOSUPPORT },
	{ HF_LAST_SMALL, -EUCLEAN },
	{ HF_LAST_BEYOND, -ERANGE },
	{ HF_BADPAGES, -EOVERFLOW },
	{ HF_BADPAGES_HUGE, -EOVERFLOW },
	{ HF_UUID_ZERO, -ENOKEY },
	{ HF_UUID_OTHER, -ESTALE },
};
#define NHDR_FAULTS (int)(sizeof(hdr_faults) / sizeof(hdr_faults[0]))

/* Apply a fault to a header page of an area of area_pages pages. */
static void
apply_fault(uint8_t *page, enum hdr_fault f, uint64_t area_pages,
    uint64_t dev_pages)
{
	switch (f) {
	case HF_NONE:
	case HF_UUID_OTHER:	/* the caller expects another UUID */
		break;
	case HF_NOSIG:
		memset(page + SWAPHDR_SIG_OFF, 0, 10);
		break;
	case HF_SWAPSPACE1:
		memcpy(page + SWAPHDR_SIG_OFF, "SWAP-SPACE", 10);
		break;
	case HF_ULSUSPEND:
		memcpy(page + 4076, "SWAPSPACE2", 10);
		memcpy(page + SWAPHDR_SIG_OFF, "ULSUSPEND\0", 10);
		break;
	case HF_S2SUSPEND:
		memcpy(page + SWAPHDR_SIG_OFF, "S2SUSPEND\0", 10);
		break;
	case HF_LINHIB:
		memcpy(page + SWAPHDR_SIG_OFF, "LINHIB0001", 10);
		break;
	case HF_S1_ORIG_BAD:
		set_image(page);
		memcpy(page + 4076, "SWAP-SPACE", 10);
		break;
	case HF_VERSION0:
		put_le32(page + SWAPHDR_VERSION_OFF, 0);
		break;
	case HF_VERSION2:
		put_le32(page + SWAPHDR_VERSION_OFF, 2);
		break;
	case HF_LAST_SMALL:
		put_le32(page + SWAPHDR_LAST_PAGE_OFF, 8);
		break;
	case HF_LAST_BEYOND:
		put_le32(page + SWAPHDR_LAST_PAGE_OFF, (uint32_t)dev_pages);
		break;
	case HF_BADPAGES:
		put_le32(page + SWAPHDR_NR_BADPAGES_OFF, 129);
		break;
	case HF_BADPAGES_HUGE:
		put_le32(page + SWAPHDR_NR_BADPAGES_OFF, 0xffffffffu);
		break;
	case HF_UUID_ZERO:
		memset(page + SWAPHDR_UUID_OFF, 0, 16);
		break;
	}
	(void)area_pages;
}

static const uint8_t *
expected_for(enum hdr_fault f)
{
	static uint8_t other[16];

	if (f != HF_UUID_OTHER)
		return uuid;
	memcpy(other, uuid, 16);
	other[15] ^= 1;
	return other;
}

START_TEST(test_check_header)
{
	uint8_t page[PAGE];
	struct swaphdr h;
	int r;

	build_header(page, 64);
	apply_fault(page, hdr_faults[_i].f, 64, 64);
	r = swapslot_check_header(page, 64, expected_for(hdr_faults[_i].f),
	    &h);
	ck_assert_msg(r == hdr_faults[_i].err, "fault %d: %d (%s), want %d",
	    hdr_faults[_i].f, r, swapslot_strerror(r), hdr_faults[_i].err);
	if (hdr_faults[_i].err != -ENOMSG)
		ck_assert_int_ne(h.sig, SWAP_SIG_NONE);
	/* Without an expected UUID only the identity check goes away. */
	r = swapslot_check_header(page, 64, NULL, NULL);
	ck_assert_int_eq(r, hdr_faults[_i].f == HF_UUID_OTHER ? 0 :
	    hdr_faults[_i].err);
}
END_TEST

START_TEST(test_check_header_edges)
{
	uint8_t page[PAGE];

	build_header(page, 64);
	put_le32(page + SWAPHDR_NR_BADPAGES_OFF, 128);	/* ends at 2048 */
	ck_assert_int_eq(swapslot_check_header(page, 64, uuid, NULL), 0);
	put_le32(page + SWAPHDR_LAST_PAGE_OFF, 9);
	ck_assert_int_eq(swapslot_check_header(page, 64, uuid, NULL), 0);
	put_le32(page + SWAPHDR_LAST_PAGE_OFF, 63);
	ck_assert_int_eq(swapslot_check_header(page, 64, uuid, NULL), 0);
	ck_assert_int_eq(swapslot_check_header(page, 63, uuid, NULL),
	    -ERANGE);
	/* Size unknown: last_page is not checked against it. */
	put_le32(page + SWAPHDR_LAST_PAGE_OFF, 0xffffffffu);
	ck_assert_int_eq(swapslot_check_header(page, 0, uuid, NULL), 0);
	ck_assert_int_eq(swapslot_check_header(page, 1ull << 33, uuid, NULL),
	    0);
	/* Precedence: the signature is judged before the fields. */
	put_le32(page + SWAPHDR_VERSION_OFF, 0);
	memcpy(page + SWAPHDR_SIG_OFF, "LINHIB0001", 10);
	ck_assert_int_eq(swapslot_check_header(page, 64, uuid, NULL),
	    -EMEDIUMTYPE);
	/* An S1SUSPEND image over SWAPSPACE2 is writable. */
	build_header(page, 64);
	set_image(page);
	ck_assert_int_eq(swapslot_check_header(page, 64, uuid, NULL), 0);
}
END_TEST

START_TEST(test_build)
{
	uint8_t sector[SWAPSLOT_SIZE], buf[SWAPSLOT_SIZE];
	struct record r, d;
	int n;
	size_t i;

	fill_rec(&r, 5);
	r.seq = 77;
	memset(sector, 0xee, sizeof(sector));
	n = swapslot_build(&r, sector);
	ck_assert_int_gt(n, RECORD_HDR_SIZE);
	ck_assert_int_eq(record_encode(&r, buf, sizeof(buf)), n);
	ck_assert_mem_eq(sector, buf, (size_t)n);
	for (i = (size_t)n; i < SWAPSLOT_SIZE; i++)
		ck_assert_uint_eq(sector[i], 0);
	ck_assert_int_eq(record_decode(sector, SWAPSLOT_SIZE, &d), n);
	ck_assert_uint_eq(d.seq, 77);
	ck_assert_str_eq(d.kernel_release, "6.1.0-5-amd64");

	/* An unencodable record leaves an all-zero (empty) sector. */
	r.kernel_release[0] = '\0';
	memset(sector, 0xee, sizeof(sector));
	ck_assert_int_eq(swapslot_build(&r, sector), -EINVAL);
	for (i = 0; i < SWAPSLOT_SIZE; i++)
		ck_assert_uint_eq(sector[i], 0);
}
END_TEST

START_TEST(test_check_outside)
{
	static uint8_t a[PAGE], b[PAGE];
	size_t i, off;
	unsigned int slot;

	build_header(a, 64);
	for (slot = 0; slot < SWAPSLOT_COUNT; slot++) {
		for (i = 0; i < PAGE; i++) {
			memcpy(b, a, PAGE);
			b[i] ^= 0x01;
			off = SIZE_MAX;
			if (i >= SWAPSLOT_OFF(slot) &&
			    i < SWAPSLOT_OFF(slot) + SWAPSLOT_SIZE) {
				ck_assert_int_eq(swapslot_check_outside(a, b,
				    slot, &off), 0);
			} else {
				ck_assert_int_eq(swapslot_check_outside(a, b,
				    slot, &off), -EIO);
				ck_assert_uint_eq(off, i);
			}
		}
	}
	ck_assert_int_eq(swapslot_check_outside(a, a, 2, NULL), -EINVAL);
}
END_TEST

START_TEST(test_verify)
{
	static uint8_t old[PAGE], new[PAGE];
	uint8_t sector[SWAPSLOT_SIZE];
	struct swapslot_set set;
	struct record r;
	int slot;

	page_with(old, 4, -1);
	swapslot_decode(old, &set);
	fill_rec(&r, 9);
	slot = swapslot_prepare(&set, &r, sector);
	ck_assert_int_eq(slot, SWAPSLOT_B);
	memcpy(new, old, PAGE);
	memcpy(new + SWAPSLOT_OFF(slot), sector, SWAPSLOT_SIZE);
	ck_assert_int_eq(swapslot_verify(old, new, (unsigned)slot, sector), 0);

	/* The write did not land. */
	ck_assert_int_eq(swapslot_verify(old, old, (unsigned)slot, sector),
	    -EIO);
	/* It landed in the wrong slot. */
	memcpy(new, old, PAGE);
	memcpy(new + SWAPSLOT_OFF(SWAPSLOT_A), sector, SWAPSLOT_SIZE);
	ck_assert_int_eq(swapslot_verify(old, new, (unsigned)slot, sector),
	    -EIO);
	/* A byte of the padding differs. */
	memcpy(new, old, PAGE);
	memcpy(new + SWAPSLOT_OFF(slot), sector, SWAPSLOT_SIZE);
	new[SWAPSLOT_OFF(slot) + SWAPSLOT_SIZE - 1] ^= 1;
	ck_assert_int_eq(swapslot_verify(old, new, (unsigned)slot, sector),
	    -EIO);
	/* Something else moved (the swsusp tail). */
	new[SWAPSLOT_OFF(slot) + SWAPSLOT_SIZE - 1] ^= 1;
	new[4090] ^= 1;
	ck_assert_int_eq(swapslot_verify(old, new, (unsigned)slot, sector),
	    -EIO);
	/* Exactly as written, but not newer than the other slot. */
	page_with(old, 4, -1);
	r.seq = 3;
	ck_assert_int_gt(swapslot_build(&r, sector), 0);
	memcpy(new, old, PAGE);
	memcpy(new + SWAPSLOT_OFF(SWAPSLOT_B), sector, SWAPSLOT_SIZE);
	ck_assert_int_eq(swapslot_verify(old, new, SWAPSLOT_B, sector), -EIO);
}
END_TEST

START_TEST(test_strerror)
{
	static const int errs[] = {
		0, -ENOMSG, -EMEDIUMTYPE, -EPROTONOSUPPORT, -EUCLEAN,
		-ERANGE, -EOVERFLOW, -ENOKEY, -ESTALE, -EDOM, -EIO,
		-ENOTBLK, -EOPNOTSUPP, -ENXIO, -ENODATA, -EINVAL, -EMSGSIZE,
	};
	size_t i, j, n = sizeof(errs) / sizeof(errs[0]);

	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			ck_assert_str_ne(store_strerror(errs[i]),
			    store_strerror(errs[j]));
	for (i = 0; i < 10; i++)
		ck_assert_str_eq(swapslot_strerror(errs[i]),
		    store_strerror(errs[i]));
	ck_assert_str_eq(swapslot_state_to_string(SWAPSLOT_INVALID),
	    "invalid");
	ck_assert_str_eq(swapslot_name(SWAPSLOT_B), "B");
	ck_assert_str_eq(swapslot_name(7), "?");
}
END_TEST

/* ---- daemon/store.c on files ---------------------------------------- */

/* Records every write the store makes. */
struct spy {
	int writes;
	uint64_t off[8];
	size_t len[8];
};

static ssize_t
spy_pwrite(void *u, int fd, const void *buf, size_t n, uint64_t off)
{
	struct spy *s = u;

	if (s->writes < 8) {
		s->off[s->writes] = off;
		s->len[s->writes] = n;
	}
	s->writes++;
	return store_ops_default.pwrite(NULL, fd, buf, n, off);
}

static ssize_t
real_pread(void *u, int fd, void *buf, size_t n, uint64_t off)
{
	return store_ops_default.pread(NULL, fd, buf, n, off);
}

static int
real_fsync(void *u, int fd)
{
	return store_ops_default.fsync(NULL, fd);
}

START_TEST(test_alternation)
{
	const struct layout *l = &layouts[_i];
	uint8_t *before, *after;
	size_t n, n2;
	struct store_state st;
	struct record r, prev;
	struct spy spy;
	struct store_ops ops = {
		real_pread, spy_pwrite, real_fsync, &spy,
	};
	int i, slot, r2;

	if (!make_area(l)) {
		fprintf(stderr, "%s: no mkswap, layout skipped\n", l->name);
		return;
	}
	ck_assert_int_eq(store_read(area, l->offset, &st), 0);
	ck_assert_int_eq(st.writable, 0);
	ck_assert_int_eq(st.hdr.is_image, l->image);
	ck_assert_int_eq(count_valid(&st), 0);
	ck_assert_uint_eq(st.dev_pages, l->total_pages);

	record_init(&prev);
	for (i = 1; i <= 40; i++) {
		before = slurp(area, &n);
		fill_rec(&r, i);
		memset(&spy, 0, sizeof(spy));
		slot = store_write_ops(&ops, area, l->offset, uuid, &r);
		ck_assert_msg(slot == (i % 2 ? SWAPSLOT_A : SWAPSLOT_B),
		    "%s: write %d: %d (%s)", l->name, i, slot,
		    store_strerror(slot));
		ck_assert_uint_eq(r.seq, (uint64_t)i);

		/* One 512-byte write, inside the slot, nothing else. */
		ck_assert_int_eq(spy.writes, 1);
		ck_assert_uint_eq(spy.len[0], SWAPSLOT_SIZE);
		ck_assert_uint_eq(spy.off[0], l->offset * PAGE +
		    SWAPSLOT_OFF(slot));
		ck_assert_uint_lt(spy.off[0] + spy.len[0] - l->offset * PAGE,
		    SWAPHDR_SWSUSP_OFF);

		after = slurp(area, &n2);
		ck_assert_uint_eq(n, n2);
		assert_same_outside(before, after, n, l->offset, slot);
		free(before);
		free(after);

		r2 = store_read(area, l->offset, &st);
		ck_assert_int_eq(r2, 0);
		ck_assert_int_eq(st.slots.current, slot);
		ck_assert_uint_eq(swapslot_current(&st.slots)->seq,
		    (uint64_t)i);
		ck_assert_int_eq(swapslot_current(&st.slots)->created,
		    r.created);
		ck_assert_str_eq(swapslot_current(&st.slots)->kernel_release,
		    r.kernel_release);
		ck_assert_int_eq(st.slots.next, !slot);
		ck_assert_uint_eq(st.slots.next_seq, (uint64_t)i + 1);
		if (i > 1) {
			/* The previous record is intact in the other slot. */
			const struct swapslot *o = &st.slots.slot[!slot];

			ck_assert_int_eq(o->state, SWAPSLOT_VALID);
			ck_assert_uint_eq(o->rec.seq, prev.seq);
			ck_assert_int_eq(o->rec.created, prev.created);
		}
		prev = r;
	}
	/* The image and its signature are what they were. */
	ck_assert_int_eq(st.hdr.sig, l->image ? SWAP_SIG_S1SUSPEND :
	    SWAP_SIG_SWAPSPACE2);
}
END_TEST

START_TEST(test_refuse)
{
	static const struct layout lays[] = {
		{ "partition", 64, 0, false, false },
		{ "swapfile", 96, 37, false, false },
	};
	const struct layout *l = &lays[_i % 2];
	enum hdr_fault f = hdr_faults[_i / 2].f;
	int want = hdr_faults[_i / 2].err;
	uint8_t page[PAGE], *before, *after;
	struct store_state st;
	struct record r;
	size_t n, n2;
	int ret;

	if (f == HF_NONE)
		return;		/* covered by test_alternation */
	ck_assert(make_area(l));
	/* A valid record already there must survive the refusal too. */
	fill_rec(&r, 1);
	ck_assert_int_eq(store_write(area, l->offset, uuid, &r), SWAPSLOT_A);

	read_hdr_page(l, page);
	apply_fault(page, f, l->total_pages - l->offset, l->total_pages);
	write_hdr_page(l, page);
	before = slurp(area, &n);

	fill_rec(&r, 2);
	ret = store_write(area, l->offset, expected_for(f), &r);
	ck_assert_msg(ret == want, "%s fault %d: %d (%s), want %d", l->name,
	    f, ret, store_strerror(ret), want);
	ck_assert_uint_eq(r.seq, 999999);
	after = slurp(area, &n2);
	ck_assert_uint_eq(n, n2);
	ck_assert_mem_eq(before, after, n);
	free(before);
	free(after);

	/* Reading still works where there is a signature. */
	ret = store_read(area, l->offset, &st);
	if (want == -ENOMSG) {
		ck_assert_int_eq(ret, -ENOMSG);
		ck_assert_int_eq(count_valid(&st), 0);
	} else {
		ck_assert_int_eq(ret, 0);
		ck_assert_int_eq(st.writable, f == HF_UUID_OTHER ? 0 : want);
		ck_assert_int_eq(st.slots.current, SWAPSLOT_A);
	}
}
END_TEST

START_TEST(test_refuse_other)
{
	const struct layout *l = &layouts[1];
	uint8_t *before, *after;
	struct store_state st;
	struct record r;
	size_t n, n2;

	ck_assert(make_area(l));
	before = slurp(area, &n);
	fill_rec(&r, 1);

	/* The header page would lie past the end of the file. */
	ck_assert_int_eq(store_write(area, l->total_pages, uuid, &r), -ENXIO);
	ck_assert_int_eq(store_write(area, UINT64_MAX / 2, uuid, &r),
	    -ENXIO);
	ck_assert_int_eq(store_read(area, l->total_pages, &st), -ENXIO);
	/* The wrong page of the right file: no signature there. */
	ck_assert_int_eq(store_write(area, l->offset - 1, uuid, &r), -ENOMSG);
	ck_assert_int_eq(store_write(area, 0, uuid, &r), -ENOMSG);
	/* Not a record we can encode. */
	r.kernel_release[0] = '\0';
	ck_assert_int_eq(store_write(area, l->offset, uuid, &r), -EINVAL);
	ck_assert_uint_eq(r.seq, 999999);
	fill_rec(&r, 1);
	ck_assert_int_eq(store_write(area, l->offset, NULL, &r), -EINVAL);
	ck_assert_int_eq(store_write(NULL, l->offset, uuid, &r), -EINVAL);
	/* Neither a file nor a block device. */
	ck_assert_int_eq(store_read(dir, 0, &st), -ENOTBLK);
	ck_assert_int_eq(store_read("/dev/null", 0, &st), -ENOTBLK);
	ck_assert_int_eq(store_write("/dev/null", 0, uuid, &r), -ENOTBLK);
	ck_assert_int_eq(store_read(scratch, 0, &st), -ENOENT);
	ck_assert_int_eq(store_write(scratch, 0, uuid, &r), -ENOENT);

	after = slurp(area, &n2);
	ck_assert_uint_eq(n, n2);
	ck_assert_mem_eq(before, after, n);
	free(before);
	free(after);
}
END_TEST

/* ---- crashes --------------------------------------------------------- */

enum fault {
	FT_READ1,	/* reading the header fails */
	FT_WRITE,	/* pwrite fails, nothing written */
	FT_TORN_HEAD,	/* the first k bytes land, then the crash */
	FT_TORN_TAIL,	/* the last k bytes land, then the crash */
	FT_SHORT,	/* pwrite returns k < 512 after writing k */
	FT_DROP,	/* pwrite claims 512 bytes, writes none */
	FT_GARBLE,	/* pwrite writes 512 bytes with byte k flipped */
	FT_FSYNC,	/* the flush fails (data may or may not be there) */
	FT_READ2,	/* the read-back fails */
	FT_READ2_BAD,	/* the read-back returns byte k of the page flipped */
};

static const struct {
	enum fault f;
	size_t k;
	int err;
} crashes[] = {
	{ FT_READ1, 0, -EPERM },
	{ FT_WRITE, 0, -ENOSPC },
	{ FT_TORN_HEAD, 0, -EIO },
	{ FT_TORN_HEAD, 1, -EIO },
	{ FT_TORN_HEAD, 8, -EIO },
	{ FT_TORN_HEAD, 16, -EIO },
	{ FT_TORN_HEAD, 24, -EIO },
	{ FT_TORN_HEAD, 100, -EIO },
	{ FT_TORN_HEAD, 256, -EIO },
	{ FT_TORN_HEAD, 511, -EIO },
	{ FT_TORN_TAIL, 1, -EIO },
	{ FT_TORN_TAIL, 100, -EIO },
	{ FT_TORN_TAIL, 488, -EIO },
	{ FT_TORN_TAIL, 511, -EIO },
	{ FT_SHORT, 0, -EIO },
	{ FT_SHORT, 20, -EIO },
	{ FT_SHORT, 511, -EIO },
	{ FT_DROP, 0, -EIO },
	{ FT_GARBLE, 0, -EIO },
	{ FT_GARBLE, 17, -EIO },
	{ FT_GARBLE, 300, -EIO },
	{ FT_GARBLE, 511, -EIO },
	{ FT_FSYNC, 0, -EROFS },
	{ FT_READ2, 0, -ENOMEM },
	{ FT_READ2_BAD, 100, -EIO },
	{ FT_READ2_BAD, 2100, -EIO },
	{ FT_READ2_BAD, 2600, -EIO },
	{ FT_READ2_BAD, 3500, -EIO },
	{ FT_READ2_BAD, 4090, -EIO },
};
#define NCRASHES (int)(sizeof(crashes) / sizeof(crashes[0]))

struct inject {
	enum fault f;
	size_t k;
	int reads, writes, syncs;
};

static ssize_t
inj_pread(void *u, int fd, void *buf, size_t n, uint64_t off)
{
	struct inject *in = u;
	ssize_t r;

	in->reads++;
	if (in->f == FT_READ1 && in->reads == 1)
		return -EPERM;
	if (in->f == FT_READ2 && in->reads == 2)
		return -ENOMEM;
	r = store_ops_default.pread(NULL, fd, buf, n, off);
	if (in->f == FT_READ2_BAD && in->reads == 2 && r > (ssize_t)in->k)
		((uint8_t *)buf)[in->k] ^= 0x40;
	return r;
}

static ssize_t
inj_pwrite(void *u, int fd, const void *buf, size_t n, uint64_t off)
{
	struct inject *in = u;
	uint8_t copy[SWAPSLOT_SIZE];
	ssize_t r;

	in->writes++;
	ck_assert_uint_eq(n, SWAPSLOT_SIZE);
	switch (in->f) {
	case FT_WRITE:
		return -ENOSPC;
	case FT_TORN_HEAD:
		if (in->k)
			ck_assert_int_eq(store_ops_default.pwrite(NULL, fd,
			    buf, in->k, off), (ssize_t)in->k);
		return -EIO;
	case FT_TORN_TAIL:
		ck_assert_int_eq(store_ops_default.pwrite(NULL, fd,
		    (const uint8_t *)buf + n - in->k, in->k,
		    off + n - in->k), (ssize_t)in->k);
		return -EIO;
	case FT_SHORT:
		if (in->k)
			ck_assert_int_eq(store_ops_default.pwrite(NULL, fd,
			    buf, in->k, off), (ssize_t)in->k);
		return (ssize_t)in->k;
	case FT_DROP:
		return (ssize_t)n;
	case FT_GARBLE:
		memcpy(copy, buf, n);
		copy[in->k] ^= 0x08;
		r = store_ops_default.pwrite(NULL, fd, copy, n, off);
		return r;
	default:
		return store_ops_default.pwrite(NULL, fd, buf, n, off);
	}
}

static int
inj_fsync(void *u, int fd)
{
	struct inject *in = u;

	in->syncs++;
	if (in->f == FT_FSYNC)
		return -EROFS;
	return store_ops_default.fsync(NULL, fd);
}

/*
 * Crash a write into an area that already holds `preload` records, at the
 * step crashes[_i] names; then check what a reader finds and that the
 * next write works.
 */
static void
crash_case(int ci, int preload, const struct layout *l)
{
	struct inject in = { crashes[ci].f, crashes[ci].k, 0, 0, 0 };
	struct store_ops ops = { inj_pread, inj_pwrite, inj_fsync, &in };
	uint8_t *before, *after;
	struct store_state st;
	struct record r, old;
	int i, ret, target;
	size_t n, n2;

	ck_assert(make_area(l));
	record_init(&old);
	for (i = 1; i <= preload; i++) {
		fill_rec(&r, i);
		ck_assert_int_ge(store_write(area, l->offset, uuid, &r), 0);
		old = r;
	}
	ck_assert_int_eq(store_read(area, l->offset, &st), 0);
	target = (int)st.slots.next;
	before = slurp(area, &n);

	fill_rec(&r, 100);
	ret = store_write_ops(&ops, area, l->offset, uuid, &r);
	ck_assert_msg(ret == crashes[ci].err, "crash %d (f %d k %zu): %d, "
	    "want %d", ci, crashes[ci].f, crashes[ci].k, ret,
	    crashes[ci].err);
	ck_assert_uint_eq(r.seq, 999999);
	ck_assert_int_le(in.writes, 1);
	if (crashes[ci].f == FT_READ1)
		ck_assert_int_eq(in.writes, 0);

	/* Nothing outside the target slot moved; FT_READ1: nothing. */
	after = slurp(area, &n2);
	ck_assert_uint_eq(n, n2);
	assert_same_outside(before, after, n, l->offset,
	    crashes[ci].f == FT_READ1 || crashes[ci].f == FT_WRITE ||
	    crashes[ci].f == FT_DROP ? -1 : target);
	free(before);
	free(after);

	/* What the gate would read now. */
	ck_assert_int_eq(store_read(area, l->offset, &st), 0);
	if (preload > 0) {
		const struct swapslot *o = &st.slots.slot[!target];
		const struct record *cur = swapslot_current(&st.slots);

		ck_assert_int_ge(count_valid(&st), 1);
		/* The previous current record is still there, whole. */
		ck_assert_int_eq(o->state, SWAPSLOT_VALID);
		ck_assert_uint_eq(o->rec.seq, old.seq);
		ck_assert_int_eq(o->rec.created, old.created);
		/* The current one is the old one, or the complete new one. */
		ck_assert_ptr_nonnull(cur);
		if (cur->seq == old.seq) {
			ck_assert_int_eq(cur->created, old.created);
		} else {
			ck_assert_uint_eq(cur->seq, old.seq + 1);
			ck_assert_int_eq(cur->created, r.created);
		}
	}

	/* The next write, without faults, succeeds and is current. */
	fill_rec(&r, 200);
	ret = store_write(area, l->offset, uuid, &r);
	ck_assert_int_ge(ret, 0);
	ck_assert_int_eq(store_read(area, l->offset, &st), 0);
	ck_assert_int_eq(st.slots.current, ret);
	ck_assert_int_eq(swapslot_current(&st.slots)->created, r.created);
	if (preload > 0)
		ck_assert_int_eq(count_valid(&st), 2);
}

START_TEST(test_crash_two_records)
{
	crash_case(_i, 5, &layouts[1]);
}
END_TEST

START_TEST(test_crash_one_record)
{
	crash_case(_i, 1, &layouts[0]);
}
END_TEST

START_TEST(test_crash_first_write)
{
	crash_case(_i, 0, &layouts[4]);
}
END_TEST

START_TEST(test_crash_image)
{
	crash_case(_i, 2, &layouts[5]);
}
END_TEST

START_TEST(test_crash_repeated)
{
	const struct layout *l = &layouts[1];
	struct inject in;
	struct store_ops ops = { inj_pread, inj_pwrite, inj_fsync, &in };
	struct store_state st;
	uint8_t sector[SWAPSLOT_SIZE];
	struct record r;
	int i;

	/* Torn writes over and over never lose the one good record. */
	ck_assert(make_area(l));
	fill_rec(&r, 1);
	ck_assert_int_eq(store_write(area, l->offset, uuid, &r), SWAPSLOT_A);
	for (i = 0; i < 20; i++) {
		memset(&in, 0, sizeof(in));
		in.f = FT_TORN_HEAD;
		fill_rec(&r, 10 + i);
		/* Cut inside the record: past it, only padding is torn. */
		in.k = (size_t)(i * 37) % (size_t)swapslot_build(&r, sector);
		ck_assert_int_eq(store_write_ops(&ops, area, l->offset, uuid,
		    &r), -EIO);
		ck_assert_int_eq(store_read(area, l->offset, &st), 0);
		ck_assert_int_eq(st.slots.current, SWAPSLOT_A);
		ck_assert_int_eq(swapslot_current(&st.slots)->created,
		    1732200001);
		ck_assert_int_eq(st.slots.next, SWAPSLOT_B);
	}
}
END_TEST

START_TEST(test_corrupt_slot)
{
	const struct layout *l = &layouts[_i];
	uint8_t page[PAGE];
	struct store_state st;
	struct record r;
	int i;

	if (!make_area(l))
		return;
	for (i = 1; i <= 4; i++) {
		fill_rec(&r, i);
		ck_assert_int_ge(store_write(area, l->offset, uuid, &r), 0);
	}
	/* Record 4 is current in B; damage it. */
	read_hdr_page(l, page);
	page[SWAPSLOT_OFF(SWAPSLOT_B) + 30] ^= 0x01;
	write_hdr_page(l, page);

	ck_assert_int_eq(store_read(area, l->offset, &st), 0);
	ck_assert_int_eq(st.slots.slot[SWAPSLOT_B].state, SWAPSLOT_INVALID);
	ck_assert_int_eq(st.slots.slot[SWAPSLOT_B].error, -EBADMSG);
	ck_assert_int_eq(st.slots.current, SWAPSLOT_A);
	ck_assert_int_eq(swapslot_current(&st.slots)->created, 1732200003);

	/* The next write replaces the damaged slot, not the good one. */
	fill_rec(&r, 5);
	ck_assert_int_eq(store_write(area, l->offset, uuid, &r), SWAPSLOT_B);
	ck_assert_uint_eq(r.seq, 4);
	ck_assert_int_eq(store_read(area, l->offset, &st), 0);
	ck_assert_int_eq(count_valid(&st), 2);
	ck_assert_int_eq(swapslot_current(&st.slots)->created, 1732200005);
	ck_assert_int_eq(st.slots.slot[SWAPSLOT_A].rec.created, 1732200003);
}
END_TEST

START_TEST(test_format)
{
	const struct layout *l = &layouts[5];	/* image, swap file */
	uint8_t page[PAGE];
	struct store_state st;
	struct record r;
	char buf[1024], small[40];
	int n, i;

	ck_assert(make_area(l));
	for (i = 1; i <= 3; i++) {
		fill_rec(&r, i * 3);	/* hibernating */
		ck_assert_int_ge(store_write(area, l->offset, uuid, &r), 0);
	}
	read_hdr_page(l, page);
	page[SWAPSLOT_OFF(SWAPSLOT_B) + 30] ^= 0x01;
	write_hdr_page(l, page);
	ck_assert_int_eq(store_read(area, l->offset, &st), 0);
	n = store_format_slots(&st, buf, sizeof(buf));
	ck_assert_int_gt(n, 0);
	ck_assert_uint_eq(strlen(buf), (size_t)n);
	ck_assert_msg(strstr(buf, "area: S1SUSPEND (hibernation image), "
	    "UUID " UUID_TEXT ", header page 37 of 96\n"), "%s", buf);
	ck_assert_msg(strstr(buf, "writable: yes\n"), "%s", buf);
	ck_assert_msg(strstr(buf, "slot A (bytes 2048-2559): valid, seq 3, "
	    "state hibernating, kernel 6.1.0-9-amd64, evtchn 2l, current\n"),
	    "%s", buf);
	ck_assert_msg(strstr(buf, "slot B (bytes 2560-3071): invalid: "
	    "handover record CRC32C mismatch\n"), "%s", buf);
	ck_assert_msg(strstr(buf, "next write: slot B, seq 4\n"), "%s", buf);

	ck_assert_int_eq(store_format_slots(&st, small, sizeof(small)),
	    -ENOBUFS);
	ck_assert_uint_eq(strlen(small), sizeof(small) - 1);
	ck_assert(strncmp(small, buf, sizeof(small) - 1) == 0);

	/* Empty slots and a header we may not write. */
	read_hdr_page(l, page);
	memset(page + SWAPSLOT_AREA_OFF, 0, SWAPSLOT_AREA_END -
	    SWAPSLOT_AREA_OFF);
	put_le32(page + SWAPHDR_VERSION_OFF, 2);
	write_hdr_page(l, page);
	ck_assert_int_eq(store_read(area, l->offset, &st), 0);
	ck_assert_int_gt(store_format_slots(&st, buf, sizeof(buf)), 0);
	ck_assert_msg(strstr(buf, "writable: no (swap header version is not "
	    "1)\n"), "%s", buf);
	ck_assert_msg(strstr(buf, "slot A (bytes 2048-2559): empty\n"), "%s",
	    buf);
	ck_assert_msg(strstr(buf, "next write: slot A, seq 1\n"), "%s", buf);

	/* Not a swap area at all. */
	ck_assert_int_eq(store_read(area, 0, &st), -ENOMSG);
	ck_assert_int_gt(store_format_slots(&st, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "area: no swap signature at byte 4086 of "
	    "page 0; no slots\n");
}
END_TEST

static ssize_t
eof_pread(void *u, int fd, void *buf, size_t n, uint64_t off)
{
	int *calls = u;

	/* Half a page, then end of file: a device that shrank. */
	if ((*calls)++ == 0)
		return store_ops_default.pread(NULL, fd, buf, n / 2, off);
	return 0;
}

static ssize_t
eio_pread(void *u, int fd, void *buf, size_t n, uint64_t off)
{
	return -EIO;
}

START_TEST(test_read_errors)
{
	const struct layout *l = &layouts[1];
	struct store_ops eof = { eof_pread, NULL, NULL, NULL };
	struct store_ops eio = { eio_pread, NULL, NULL, NULL };
	struct store_state st;
	struct record r;
	int calls = 0;

	ck_assert(make_area(l));
	fill_rec(&r, 1);
	ck_assert_int_eq(store_write(area, l->offset, uuid, &r), SWAPSLOT_A);
	eof.userdata = &calls;
	ck_assert_int_eq(store_read_ops(&eof, area, l->offset, &st),
	    -ENODATA);
	ck_assert_int_eq(calls, 2);
	ck_assert_int_eq(count_valid(&st), 0);
	ck_assert_int_eq(store_read_ops(&eio, area, l->offset, &st), -EIO);
	ck_assert_int_eq(st.slots.current, -1);
	ck_assert_int_eq(store_read_ops(NULL, area, l->offset, &st), 0);
	ck_assert_int_eq(st.slots.current, SWAPSLOT_A);
}
END_TEST

START_TEST(test_store_exhausted)
{
	const struct layout *l = &layouts[0];
	uint8_t page[PAGE], *before, *after;
	struct store_state st;
	struct record r;
	char buf[1024];
	size_t n, n2;

	ck_assert(make_area(l));
	read_hdr_page(l, page);
	fill_rec(&r, 1);
	r.seq = UINT64_MAX;
	ck_assert_int_gt(swapslot_build(&r, page + SWAPSLOT_OFF(SWAPSLOT_B)),
	    0);
	write_hdr_page(l, page);
	before = slurp(area, &n);
	fill_rec(&r, 2);
	ck_assert_int_eq(store_write(area, l->offset, uuid, &r), -EDOM);
	ck_assert_uint_eq(r.seq, 999999);
	after = slurp(area, &n2);
	ck_assert_uint_eq(n, n2);
	ck_assert_mem_eq(before, after, n);
	free(before);
	free(after);
	ck_assert_int_eq(store_read(area, l->offset, &st), 0);
	ck_assert_int_gt(store_format_slots(&st, buf, sizeof(buf)), 0);
	ck_assert_msg(strstr(buf, "next write: none (record sequence "
	    "numbers exhausted)\n"), "%s", buf);
}
END_TEST

/* ---- a real block device (loop), when we may make one ---------------- */

static bool
loop_attach(const char *file, int sector_size, char *dev, size_t devsz)
{
	char cmd[2400];
	FILE *p;
	size_t len;

	if (geteuid() != 0 || access("/dev/loop-control", W_OK) != 0)
		return false;
	snprintf(cmd, sizeof(cmd), "losetup -f --show --sector-size %d "
	    "'%s' 2>/dev/null", sector_size, file);
	p = popen(cmd, "r");
	if (!p)
		return false;
	if (!fgets(dev, (int)devsz, p)) {
		pclose(p);
		return false;
	}
	if (pclose(p) != 0)
		return false;
	len = strlen(dev);
	while (len && dev[len - 1] == '\n')
		dev[--len] = '\0';
	return strncmp(dev, "/dev/loop", 9) == 0;
}

static void
loop_detach(const char *dev)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "losetup -d '%s'", dev);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_blockdev)
{
	const struct layout *l = &layouts[_i ? 5 : 0];
	uint8_t *before, *after;
	struct store_state st;
	struct record r;
	char dev[256];
	size_t n, n2;
	int i, ret;

	ck_assert(make_area(l));
	if (!loop_attach(area, 512, dev, sizeof(dev))) {
		fprintf(stderr, "test_blockdev: no loop device, skipped\n");
		return;
	}
	before = slurp(area, &n);
	for (i = 1; i <= 3; i++) {
		fill_rec(&r, i);
		ret = store_write(dev, l->offset, uuid, &r);
		if (ret != (i % 2 ? SWAPSLOT_A : SWAPSLOT_B))
			loop_detach(dev);
		ck_assert_msg(ret == (i % 2 ? SWAPSLOT_A : SWAPSLOT_B),
		    "%s: %d (%s)", dev, ret, store_strerror(ret));
	}
	ret = store_read(dev, l->offset, &st);
	loop_detach(dev);
	ck_assert_int_eq(ret, 0);
	ck_assert(st.is_blockdev);
	ck_assert_uint_eq(st.sector_size, 512);
	ck_assert_uint_eq(st.dev_pages, l->total_pages);
	ck_assert_int_eq(st.slots.current, SWAPSLOT_A);
	ck_assert_int_eq(swapslot_current(&st.slots)->created, 1732200003);

	/* Only the two slots of the backing file changed. */
	after = slurp(area, &n2);
	ck_assert_uint_eq(n, n2);
	for (i = 0; i < SWAPSLOT_COUNT; i++)
		memcpy(before + l->offset * PAGE + SWAPSLOT_OFF(i),
		    after + l->offset * PAGE + SWAPSLOT_OFF(i), SWAPSLOT_SIZE);
	ck_assert_mem_eq(before, after, n);
	free(before);
	free(after);
}
END_TEST

START_TEST(test_blockdev_4k)
{
	const struct layout *l = &layouts[0];
	uint8_t *before, *after;
	struct store_state st;
	struct record r;
	char dev[256];
	size_t n, n2;
	int ret, ret2;

	ck_assert(make_area(l));
	if (!loop_attach(area, 4096, dev, sizeof(dev))) {
		fprintf(stderr, "test_blockdev_4k: no loop device, skipped\n");
		return;
	}
	before = slurp(area, &n);
	fill_rec(&r, 1);
	ret = store_write(dev, l->offset, uuid, &r);
	ret2 = store_read(dev, l->offset, &st);
	loop_detach(dev);
	ck_assert_int_eq(ret, -EOPNOTSUPP);
	ck_assert_int_eq(ret2, 0);
	ck_assert_uint_eq(st.sector_size, 4096);
	ck_assert_int_eq(st.writable, -EOPNOTSUPP);
	after = slurp(area, &n2);
	ck_assert_uint_eq(n, n2);
	ck_assert_mem_eq(before, after, n);
	free(before);
	free(after);
}
END_TEST

static Suite *
store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc;

	tc = tcase_create("swapslot");
	tcase_add_test(tc, test_decode_empty);
	tcase_add_loop_test(tc, test_decode_pick, 0,
	    (int)(sizeof(picks) / sizeof(picks[0])));
	tcase_add_test(tc, test_seq_exhausted);
	tcase_add_test(tc, test_decode_invalid);
	tcase_add_loop_test(tc, test_check_header, 0, NHDR_FAULTS);
	tcase_add_test(tc, test_check_header_edges);
	tcase_add_test(tc, test_build);
	tcase_add_test(tc, test_check_outside);
	tcase_add_test(tc, test_verify);
	tcase_add_test(tc, test_strerror);
	suite_add_tcase(s, tc);

	tc = tcase_create("store");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_alternation, 0, NLAYOUTS);
	tcase_add_loop_test(tc, test_refuse, 0, 2 * NHDR_FAULTS);
	tcase_add_test(tc, test_refuse_other);
	tcase_add_loop_test(tc, test_corrupt_slot, 0, NLAYOUTS);
	tcase_add_test(tc, test_format);
	tcase_add_test(tc, test_read_errors);
	tcase_add_test(tc, test_store_exhausted);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("crash");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_crash_two_records, 0, NCRASHES);
	tcase_add_loop_test(tc, test_crash_one_record, 0, NCRASHES);
	tcase_add_loop_test(tc, test_crash_first_write, 0, NCRASHES);
	tcase_add_loop_test(tc, test_crash_image, 0, NCRASHES);
	tcase_add_test(tc, test_crash_repeated);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("blockdev");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_blockdev, 0, 2);
	tcase_add_test(tc, test_blockdev_4k);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(store_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
