// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <string.h>

#include "swaphdr.h"

static const struct {
	enum swap_sig sig;
	const char *text;	/* SWAPHDR_SIG_LEN bytes, NUL padded */
	const char *name;
	int image;
} sigs[] = {
	{ SWAP_SIG_SWAPSPACE2, "SWAPSPACE2", "SWAPSPACE2", 0 },
	{ SWAP_SIG_S1SUSPEND, "S1SUSPEND\0", "S1SUSPEND", 1 },
	{ SWAP_SIG_ULSUSPEND, "ULSUSPEND\0", "ULSUSPEND", 1 },
	{ SWAP_SIG_S2SUSPEND, "S2SUSPEND\0", "S2SUSPEND", 1 },
	{ SWAP_SIG_LINHIB0001, "LINHIB0001", "LINHIB0001", 1 },
};

static uint32_t
get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

int
swaphdr_parse(const uint8_t page[SWAP_PAGE_SIZE], struct swaphdr *h)
{
	size_t i;

	memset(h, 0, sizeof(*h));
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		if (memcmp(page + SWAPHDR_SIG_OFF, sigs[i].text,
		    SWAPHDR_SIG_LEN) == 0) {
			h->sig = sigs[i].sig;
			h->is_image = sigs[i].image;
			break;
		}
	}
	if (h->sig == SWAP_SIG_NONE)
		return -ENOMSG;
	h->version = get_le32(page + SWAPHDR_VERSION_OFF);
	h->last_page = get_le32(page + SWAPHDR_LAST_PAGE_OFF);
	h->nr_badpages = get_le32(page + SWAPHDR_NR_BADPAGES_OFF);
	memcpy(h->uuid, page + SWAPHDR_UUID_OFF, 16);
	memcpy(h->label, page + SWAPHDR_LABEL_OFF, 16);
	h->label[16] = '\0';
	return 0;
}

int
swaphdr_check(const struct swaphdr *h, uint64_t dev_pages)
{
	if (h->sig == SWAP_SIG_NONE)
		return -ENOMSG;
	if (h->version != 1)
		return -EINVAL;
	/* mkswap refuses areas under 10 pages. */
	if (h->last_page < 9)
		return -ERANGE;
	if (dev_pages && (uint64_t)h->last_page >= dev_pages)
		return -ERANGE;
	/* The bad-page list must end before our slots (byte 2048). */
	if ((uint64_t)SWAPHDR_BADPAGES_OFF + 4ull * h->nr_badpages > 2048)
		return -ERANGE;
	return 0;
}

const char *
swap_sig_to_string(enum swap_sig s)
{
	size_t i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigs[i].sig == s)
			return sigs[i].name;
	return "none";
}
