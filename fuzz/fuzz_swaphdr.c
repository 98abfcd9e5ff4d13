// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz the swap header parser. An input of a page or more is the page
 * (and 8 more bytes, if present, the device size in pages); a shorter
 * input is packed: its first 10 bytes are the signature, the rest lands
 * at the mkswap fields (offset 1024), so small inputs reach every branch.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "swaphdr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t page[SWAP_PAGE_SIZE];
	uint64_t dev_pages = 0;
	struct swaphdr h;
	size_t n, i;
	int ret;

	memset(page, 0, sizeof(page));
	if (size >= SWAP_PAGE_SIZE) {
		memcpy(page, data, SWAP_PAGE_SIZE);
		for (i = 0; i < 8 && SWAP_PAGE_SIZE + i < size; i++)
			dev_pages |= (uint64_t)data[SWAP_PAGE_SIZE + i] <<
			    (8 * i);
	} else {
		n = size < SWAPHDR_SIG_LEN ? size : SWAPHDR_SIG_LEN;
		memcpy(page + SWAPHDR_SIG_OFF, data, n);
		data += n;
		size -= n;
		n = SWAPHDR_SWSUSP_OFF - SWAPHDR_VERSION_OFF;
		memcpy(page + SWAPHDR_VERSION_OFF, data, size < n ? size : n);
	}

	ret = swaphdr_parse(page, &h);
	if (ret != 0 && ret != -ENOMSG)
		abort();
	if ((ret == 0) != (h.sig != SWAP_SIG_NONE))
		abort();
	if (h.is_image && h.sig == SWAP_SIG_SWAPSPACE2)
		abort();
	if (strnlen(h.label, sizeof(h.label)) > 16)
		abort();
	if (!swap_sig_to_string(h.sig))
		abort();
	ret = swaphdr_check(&h, dev_pages);
	if (ret != 0 && ret != -EINVAL && ret != -ERANGE && ret != -ENOMSG)
		abort();
	if (swaphdr_check(&h, 0) == 0) {
		/* A device one page larger than the area always holds it. */
		if (swaphdr_check(&h, (uint64_t)h.last_page + 1) != 0)
			abort();
		if (swaphdr_check(&h, h.last_page) != -ERANGE)
			abort();
		if (h.version != 1 || h.nr_badpages > 128)
			abort();
	}
	return 0;
}
