/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The two record slots (A/B) in a swap area's header page: which one is
 * current, which one the next write goes to, and whether the header lets
 * us write at all. Pure, no I/O: callers read and write the page
 * (daemon/store.c). The layout and the rules are in proto/SWAPSLOT.md.
 */
#ifndef XH_SWAPSLOT_H
#define XH_SWAPSLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record.h"
#include "swaphdr.h"

#define SWAPSLOT_COUNT 2
#define SWAPSLOT_SIZE 512		/* one sector, one whole record */
#define SWAPSLOT_AREA_OFF 2048		/* slot A; slot B follows */
#define SWAPSLOT_AREA_END 3072		/* first byte after slot B */
#define SWAPSLOT_OFF(i) (SWAPSLOT_AREA_OFF + SWAPSLOT_SIZE * (size_t)(i))

enum swapslot_id {
	SWAPSLOT_A = 0,		/* bytes 2048..2559 of the header page */
	SWAPSLOT_B = 1,		/* bytes 2560..3071 */
};

enum swapslot_state {
	SWAPSLOT_EMPTY = 0,	/* no record magic: zeros or foreign bytes */
	SWAPSLOT_INVALID,	/* record magic, but record_decode() failed */
	SWAPSLOT_VALID,		/* a whole, checked record */
};

struct swapslot {
	enum swapslot_state state;
	int error;		/* record_decode() error unless VALID */
	struct record rec;	/* VALID only; record_init()ed otherwise */
};

struct swapslot_set {
	struct swapslot slot[SWAPSLOT_COUNT];
	int current;		/* slot of the current record, -1: none */
	enum swapslot_id next;	/* where the next write goes */
	uint64_t next_seq;	/* max valid seq + 1 (1 when none) */
	bool seq_exhausted;	/* a valid record has seq UINT64_MAX */
};

/*
 * Decode both slots of a header page. Never fails: each slot ends up
 * EMPTY, INVALID (with the codec's error) or VALID. The current record
 * is the valid one with the higher seq, A on a tie; the next write goes
 * to the other slot (A when neither is valid). Reads only bytes
 * 2048..3071 of page.
 */
void swapslot_decode(const uint8_t page[SWAP_PAGE_SIZE],
    struct swapslot_set *set);

/* The current record, or NULL when neither slot holds a valid one. */
const struct record *swapslot_current(const struct swapslot_set *set);

/*
 * May a record be written into this header page? In this order:
 *   -ENOMSG           no swap or image signature at byte 4086
 *   -EMEDIUMTYPE      a signature we do not write under: ULSUSPEND,
 *                     S2SUSPEND, LINHIB0001, or S1SUSPEND whose orig_sig
 *                     (byte 4076) is not SWAPSPACE2
 *   -EPROTONOSUPPORT  mkswap header version is not 1
 *   -EUCLEAN          last_page < 9 (mkswap makes at least 10 pages)
 *   -ERANGE           last_page does not fit the device (dev_pages pages;
 *                     0 = size unknown, not checked)
 *   -EOVERFLOW        the bad-page list reaches byte 2048 (the slots)
 *   -ENOKEY           the header's UUID is all zero: the area cannot be
 *                     identified
 *   -ESTALE           expected_uuid given and different from the header's
 * expected_uuid NULL skips the last check (reading, showing). Fills
 * ret_hdr (may be NULL) whenever the signature parsed.
 */
int swapslot_check_header(const uint8_t page[SWAP_PAGE_SIZE],
    uint64_t dev_pages, const uint8_t *expected_uuid,
    struct swaphdr *ret_hdr);

/*
 * The 512-byte image of a slot holding rec: record_encode() and zero
 * padding. Returns the record's size or record_encode()'s error
 * (-EINVAL, -EMSGSIZE); sector is all zero on error.
 */
int swapslot_build(const struct record *rec, uint8_t sector[SWAPSLOT_SIZE]);

/*
 * Plan the next write for a decoded set: on success sets rec->seq to
 * set->next_seq, builds the sector and returns the slot to write
 * (SWAPSLOT_A or SWAPSLOT_B). -EDOM when the sequence numbers are
 * exhausted; swapslot_build() errors otherwise. rec is unchanged on error.
 */
int swapslot_prepare(const struct swapslot_set *set, struct record *rec,
    uint8_t sector[SWAPSLOT_SIZE]);

/*
 * Does new_page equal old_page everywhere outside slot `slot`? Returns 0,
 * or -EIO and the offset of the first differing byte in *ret_off (may be
 * NULL). -EINVAL for a bad slot number.
 */
int swapslot_check_outside(const uint8_t old_page[SWAP_PAGE_SIZE],
    const uint8_t new_page[SWAP_PAGE_SIZE], unsigned int slot,
    size_t *ret_off);

/*
 * Did the write of sector into slot `slot` land exactly? new_page must
 * hold sector in that slot, decode there to a valid record that is now
 * current, and equal old_page everywhere else. 0 or -EIO.
 */
int swapslot_verify(const uint8_t old_page[SWAP_PAGE_SIZE],
    const uint8_t new_page[SWAP_PAGE_SIZE], unsigned int slot,
    const uint8_t sector[SWAPSLOT_SIZE]);

const char *swapslot_state_to_string(enum swapslot_state s);
const char *swapslot_name(unsigned int slot);	/* "A", "B", "?" */

/* A precise message for a swapslot_check_header() error. */
const char *swapslot_strerror(int err);

#endif
