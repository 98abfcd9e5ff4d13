// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The A/B record slots in a swap header page (proto/SWAPSLOT.md). Pure:
 * the caller reads and writes the page.
 */
#include <errno.h>
#include <string.h>

#include "swapslot.h"

/* The slots never reach the bytes hibernation rewrites (from 4056). */
_Static_assert(SWAPSLOT_AREA_END <= SWAPHDR_SWSUSP_OFF,
    "slots overlap the swsusp header");
_Static_assert(SWAPSLOT_OFF(SWAPSLOT_COUNT) == SWAPSLOT_AREA_END,
    "slot layout");
_Static_assert(SWAPSLOT_SIZE == RECORD_MAX_SIZE, "a slot holds a record");

#define SWSUSP_ORIG_SIG_OFF 4076

static void	decode_slot(const uint8_t *, struct swapslot *);
static bool	all_zero(const uint8_t *, size_t);

static void
decode_slot(const uint8_t *sector, struct swapslot *s)
{
	int r;

	r = record_decode(sector, SWAPSLOT_SIZE, &s->rec);
	if (r >= 0) {
		s->state = SWAPSLOT_VALID;
		s->error = 0;
	} else {
		/* record_decode() has reset s->rec. */
		s->state = r == -ENOMSG ? SWAPSLOT_EMPTY : SWAPSLOT_INVALID;
		s->error = r;
	}
}

void
swapslot_decode(const uint8_t page[SWAP_PAGE_SIZE], struct swapslot_set *set)
{
	const struct swapslot *a, *b;
	unsigned int i;

	for (i = 0; i < SWAPSLOT_COUNT; i++)
		decode_slot(page + SWAPSLOT_OFF(i), &set->slot[i]);
	a = &set->slot[SWAPSLOT_A];
	b = &set->slot[SWAPSLOT_B];

	if (a->state == SWAPSLOT_VALID && b->state == SWAPSLOT_VALID)
		set->current = b->rec.seq > a->rec.seq ? SWAPSLOT_B :
		    SWAPSLOT_A;
	else if (a->state == SWAPSLOT_VALID)
		set->current = SWAPSLOT_A;
	else if (b->state == SWAPSLOT_VALID)
		set->current = SWAPSLOT_B;
	else
		set->current = -1;

	/* Never overwrite the current record: write the other slot. */
	set->next = set->current == SWAPSLOT_A ? SWAPSLOT_B : SWAPSLOT_A;
	set->seq_exhausted = false;
	if (set->current < 0) {
		set->next_seq = 1;
	} else if (set->slot[set->current].rec.seq == UINT64_MAX) {
		set->next_seq = 0;
		set->seq_exhausted = true;
	} else {
		set->next_seq = set->slot[set->current].rec.seq + 1;
	}
}

const struct record *
swapslot_current(const struct swapslot_set *set)
{
	if (set->current != SWAPSLOT_A && set->current != SWAPSLOT_B)
		return NULL;
	if (set->slot[set->current].state != SWAPSLOT_VALID)
		return NULL;
	return &set->slot[set->current].rec;
}

static bool
all_zero(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

int
swapslot_check_header(const uint8_t page[SWAP_PAGE_SIZE], uint64_t dev_pages,
    const uint8_t *expected_uuid, struct swaphdr *ret_hdr)
{
	struct swaphdr h;
	int r;

	r = swaphdr_parse(page, &h);
	if (ret_hdr)
		*ret_hdr = h;
	if (r < 0)
		return -ENOMSG;
	switch (h.sig) {
	case SWAP_SIG_SWAPSPACE2:
		break;
	case SWAP_SIG_S1SUSPEND:
		/* The kernel puts orig_sig back on resume: it must be ours. */
		if (memcmp(page + SWSUSP_ORIG_SIG_OFF, "SWAPSPACE2",
		    SWAPHDR_SIG_LEN) != 0)
			return -EMEDIUMTYPE;
		break;
	default:
		return -EMEDIUMTYPE;
	}
	if (h.version != 1)
		return -EPROTONOSUPPORT;
	if (h.last_page < 9)
		return -EUCLEAN;
	if (dev_pages && (uint64_t)h.last_page >= dev_pages)
		return -ERANGE;
	if ((uint64_t)SWAPHDR_BADPAGES_OFF + 4ull * h.nr_badpages >
	    SWAPSLOT_AREA_OFF)
		return -EOVERFLOW;
	if (all_zero(h.uuid, sizeof(h.uuid)))
		return -ENOKEY;
	if (expected_uuid && memcmp(expected_uuid, h.uuid, 16) != 0)
		return -ESTALE;
	/* The shared checker must agree with the precise checks above. */
	r = swaphdr_check(&h, dev_pages);
	if (r < 0)
		return r == -ENOMSG ? -ENOMSG : -EUCLEAN;
	return 0;
}

int
swapslot_build(const struct record *rec, uint8_t sector[SWAPSLOT_SIZE])
{
	int n;

	memset(sector, 0, SWAPSLOT_SIZE);
	n = record_encode(rec, sector, SWAPSLOT_SIZE);
	if (n < 0)
		memset(sector, 0, SWAPSLOT_SIZE);
	return n;
}

int
swapslot_prepare(const struct swapslot_set *set, struct record *rec,
    uint8_t sector[SWAPSLOT_SIZE])
{
	uint64_t old_seq = rec->seq;
	int n;

	if (set->seq_exhausted)
		return -EDOM;
	rec->seq = set->next_seq;
	n = swapslot_build(rec, sector);
	if (n < 0) {
		rec->seq = old_seq;
		return n;
	}
	return (int)set->next;
}

int
swapslot_check_outside(const uint8_t old_page[SWAP_PAGE_SIZE],
    const uint8_t new_page[SWAP_PAGE_SIZE], unsigned int slot,
    size_t *ret_off)
{
	size_t i, lo, hi;

	if (slot >= SWAPSLOT_COUNT)
		return -EINVAL;
	lo = SWAPSLOT_OFF(slot);
	hi = lo + SWAPSLOT_SIZE;
	for (i = 0; i < SWAP_PAGE_SIZE; i++) {
		if (i == lo) {
			i = hi - 1;
			continue;
		}
		if (old_page[i] != new_page[i]) {
			if (ret_off)
				*ret_off = i;
			return -EIO;
		}
	}
	return 0;
}

int
swapslot_verify(const uint8_t old_page[SWAP_PAGE_SIZE],
    const uint8_t new_page[SWAP_PAGE_SIZE], unsigned int slot,
    const uint8_t sector[SWAPSLOT_SIZE])
{
	struct swapslot_set set;

	if (slot >= SWAPSLOT_COUNT)
		return -EINVAL;
	if (memcmp(new_page + SWAPSLOT_OFF(slot), sector, SWAPSLOT_SIZE) != 0)
		return -EIO;
	if (swapslot_check_outside(old_page, new_page, slot, NULL) < 0)
		return -EIO;
	swapslot_decode(new_page, &set);
	if (set.current != (int)slot)
		return -EIO;
	return 0;
}

const char *
swapslot_state_to_string(enum swapslot_state s)
{
	switch (s) {
	case SWAPSLOT_EMPTY:
		return "empty";
	case SWAPSLOT_INVALID:
		return "invalid";
	case SWAPSLOT_VALID:
		return "valid";
	}
	return "unknown";
}

const char *
swapslot_name(unsigned int slot)
{
	return slot == SWAPSLOT_A ? "A" : slot == SWAPSLOT_B ? "B" : "?";
}

const char *
swapslot_strerror(int err)
{
	if (err > 0)
		err = -err;
	switch (err) {
	case 0:
		return "success";
	case -ENOMSG:
		return "no swap signature at byte 4086 of the header page";
	case -EMEDIUMTYPE:
		return "swap signature is not SWAPSPACE2 or a kernel "
		    "S1SUSPEND image over SWAPSPACE2";
	case -EPROTONOSUPPORT:
		return "swap header version is not 1";
	case -EUCLEAN:
		return "swap header last_page is below the mkswap minimum";
	case -ERANGE:
		return "swap header last_page lies beyond the device";
	case -EOVERFLOW:
		return "swap bad-page list reaches the record slots "
		    "(byte 2048)";
	case -ENOKEY:
		return "swap header has no UUID to identify the area";
	case -ESTALE:
		return "swap header UUID is not the expected one";
	case -EDOM:
		return "record sequence numbers exhausted";
	case -EIO:
		return "header page did not read back as written";
	default:
		return record_strerror(err);
	}
}
