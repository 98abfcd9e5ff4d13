// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz the slot reader and the header validator (proto/swapslot.c). An
 * input of a page or more is the header page (and 8 more bytes, if
 * present, the device size in pages). A shorter input is packed into a
 * page that already has a valid mkswap header: its first 1024 bytes land
 * on the slots (2048..3071), the rest on the mkswap fields (from 1024),
 * so small inputs reach both the record decoder and every header check.
 * Each page is checked as given, then again with the CRC32C of every slot
 * that announces a plausible length fixed, so mutated sequence numbers
 * (ties, ordering, exhaustion) still make valid records.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "crc32c.h"
#include "swapslot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SLOTS_LEN (SWAPSLOT_AREA_END - SWAPSLOT_AREA_OFF)

static void
check_header(const uint8_t *page, uint64_t dev_pages)
{
	struct swaphdr h;
	uint8_t other[16];
	int r;

	r = swapslot_check_header(page, dev_pages, NULL, &h);
	switch (r) {
	case 0:
	case -ENOMSG:
	case -EMEDIUMTYPE:
	case -EPROTONOSUPPORT:
	case -EUCLEAN:
	case -ERANGE:
	case -EOVERFLOW:
	case -ENOKEY:
		break;
	default:
		abort();
	}
	if (!swapslot_strerror(r))
		abort();
	if ((r == -ENOMSG) != (h.sig == SWAP_SIG_NONE))
		abort();
	if (r != 0)
		return;
	if (h.sig != SWAP_SIG_SWAPSPACE2 && h.sig != SWAP_SIG_S1SUSPEND)
		abort();
	if (h.version != 1 || h.nr_badpages > 128 || h.last_page < 9)
		abort();
	if (dev_pages && h.last_page >= dev_pages)
		abort();
	if (swaphdr_check(&h, dev_pages) != 0)
		abort();
	/* Identity: its own UUID passes, any other one does not. */
	if (swapslot_check_header(page, dev_pages, h.uuid, NULL) != 0)
		abort();
	memcpy(other, h.uuid, 16);
	other[page[0] & 15] ^= (uint8_t)(1u << (page[1] & 7));
	if (swapslot_check_header(page, dev_pages, other, NULL) != -ESTALE)
		abort();
}

static void
check_slots(uint8_t *page)
{
	static struct swapslot_set set, after;
	static struct record rec;
	static uint8_t old[SWAP_PAGE_SIZE];
	uint8_t sector[SWAPSLOT_SIZE];
	const struct swapslot *s;
	const struct record *cur;
	int i, n, slot;

	swapslot_decode(page, &set);
	for (i = 0; i < SWAPSLOT_COUNT; i++) {
		s = &set.slot[i];
		if (!swapslot_state_to_string(s->state))
			abort();
		switch (s->state) {
		case SWAPSLOT_VALID:
			if (s->error != 0)
				abort();
			/* What decoded must encode again, into one sector. */
			n = swapslot_build(&s->rec, sector);
			if (n <= 0 || n > SWAPSLOT_SIZE)
				abort();
			break;
		case SWAPSLOT_EMPTY:
			if (s->error != -ENOMSG)
				abort();
			break;
		case SWAPSLOT_INVALID:
			if (s->error >= 0 || s->error == -ENOMSG)
				abort();
			break;
		default:
			abort();
		}
	}

	cur = swapslot_current(&set);
	if ((cur == NULL) != (set.current < 0))
		abort();
	if ((int)set.next == set.current)
		abort();
	if (!cur) {
		if (set.next != SWAPSLOT_A || set.next_seq != 1 ||
		    set.seq_exhausted)
			abort();
		for (i = 0; i < SWAPSLOT_COUNT; i++)
			if (set.slot[i].state == SWAPSLOT_VALID)
				abort();
	} else {
		s = &set.slot[!set.current];
		if (s->state == SWAPSLOT_VALID && (s->rec.seq > cur->seq ||
		    (s->rec.seq == cur->seq && set.current != SWAPSLOT_A)))
			abort();
		if (set.seq_exhausted != (cur->seq == UINT64_MAX))
			abort();
		if (!set.seq_exhausted && set.next_seq != cur->seq + 1)
			abort();
	}

	/* Plan a write and apply it: the new record must win. */
	if (cur)
		rec = *cur;
	else {
		record_init(&rec);
		strcpy(rec.kernel_release, "fuzz");
	}
	slot = swapslot_prepare(&set, &rec, sector);
	if (set.seq_exhausted) {
		if (slot != -EDOM)
			abort();
		return;
	}
	if (slot != (int)set.next || rec.seq != set.next_seq)
		abort();
	memcpy(old, page, SWAP_PAGE_SIZE);
	memcpy(page + SWAPSLOT_OFF(slot), sector, SWAPSLOT_SIZE);
	if (swapslot_verify(old, page, (unsigned int)slot, sector) != 0)
		abort();
	if (swapslot_check_outside(old, page, (unsigned int)!slot, NULL) ==
	    0 && memcmp(old + SWAPSLOT_OFF(slot), sector, SWAPSLOT_SIZE))
		abort();
	swapslot_decode(page, &after);
	if (after.current != slot ||
	    swapslot_current(&after)->seq != set.next_seq)
		abort();
	/* The other slot is exactly what it was. */
	if (after.slot[!slot].state != set.slot[!slot].state ||
	    after.slot[!slot].error != set.slot[!slot].error)
		abort();
}

/* Make each slot's CRC match its announced length; false if none did. */
static bool
fix_crcs(uint8_t *page)
{
	bool fixed = false;
	uint8_t *p;
	size_t len;
	uint32_t crc;
	int i;

	for (i = 0; i < SWAPSLOT_COUNT; i++) {
		p = page + SWAPSLOT_OFF(i);
		len = (size_t)(p[10] | p[11] << 8) + RECORD_HDR_SIZE;
		if (len > SWAPSLOT_SIZE)
			continue;
		memset(p + 12, 0, 4);
		crc = crc32c(0, p, len);
		p[12] = (uint8_t)crc;
		p[13] = (uint8_t)(crc >> 8);
		p[14] = (uint8_t)(crc >> 16);
		p[15] = (uint8_t)(crc >> 24);
		fixed = true;
	}
	return fixed;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t page[SWAP_PAGE_SIZE], fixed[SWAP_PAGE_SIZE];
	uint64_t dev_pages = 0;
	size_t n, i;

	memset(page, 0, sizeof(page));
	if (size >= SWAP_PAGE_SIZE) {
		memcpy(page, data, SWAP_PAGE_SIZE);
		for (i = 0; i < 8 && SWAP_PAGE_SIZE + i < size; i++)
			dev_pages |= (uint64_t)data[SWAP_PAGE_SIZE + i] <<
			    (8 * i);
	} else {
		/* version 1, last_page 63, a UUID, SWAPSPACE2. */
		page[SWAPHDR_VERSION_OFF] = 1;
		page[SWAPHDR_LAST_PAGE_OFF] = 63;
		memset(page + SWAPHDR_UUID_OFF, 0x5a, 16);
		memcpy(page + SWAPHDR_SIG_OFF, "SWAPSPACE2", SWAPHDR_SIG_LEN);
		dev_pages = 64;
		n = size < SLOTS_LEN ? size : SLOTS_LEN;
		memcpy(page + SWAPSLOT_AREA_OFF, data, n);
		data += n;
		size -= n;
		n = SWAPSLOT_AREA_OFF - SWAPHDR_VERSION_OFF;
		memcpy(page + SWAPHDR_VERSION_OFF, data, size < n ? size : n);
	}
	memcpy(fixed, page, sizeof(page));
	check_header(page, dev_pages);
	check_slots(page);
	if (fix_crcs(fixed))
		check_slots(fixed);
	return 0;
}
