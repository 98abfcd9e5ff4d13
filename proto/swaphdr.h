/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The first page of a Linux swap area (mkswap header + swsusp header), as
 * laid out on x86-64 with 4 KiB pages (references/linux.md section 9.1).
 * Pure parser, no I/O: callers read the page.
 */
#ifndef XH_SWAPHDR_H
#define XH_SWAPHDR_H

#include <stdbool.h>
#include <stdint.h>

#define SWAP_PAGE_SIZE 4096
#define SWAPHDR_VERSION_OFF 1024
#define SWAPHDR_LAST_PAGE_OFF 1028
#define SWAPHDR_NR_BADPAGES_OFF 1032
#define SWAPHDR_UUID_OFF 1036
#define SWAPHDR_LABEL_OFF 1052
#define SWAPHDR_BADPAGES_OFF 1536
#define SWAPHDR_SWSUSP_OFF 4056	/* first byte hibernation rewrites */
#define SWAPHDR_SIG_OFF 4086
#define SWAPHDR_SIG_LEN 10

enum swap_sig {
	SWAP_SIG_NONE = 0,	/* neither swap nor image */
	SWAP_SIG_SWAPSPACE2,	/* plain swap area */
	SWAP_SIG_S1SUSPEND,	/* kernel hibernation image */
	SWAP_SIG_ULSUSPEND,	/* uswsusp image */
	SWAP_SIG_S2SUSPEND,	/* older in-kernel image signature */
	SWAP_SIG_LINHIB0001,	/* hibernation image (compressed, old) */
};

struct swaphdr {
	enum swap_sig sig;
	bool is_image;		/* sig is one of the hibernation signatures */
	uint32_t version;	/* mkswap header version (1) */
	uint32_t last_page;
	uint32_t nr_badpages;
	uint8_t uuid[16];
	char label[17];
};

/*
 * Parse a header page. Returns 0 and fills h when the page carries a swap
 * or image signature; -ENOMSG when it carries none (h->sig NONE).
 * Does not judge the mkswap fields: swaphdr_check() does.
 */
int swaphdr_parse(const uint8_t page[SWAP_PAGE_SIZE], struct swaphdr *h);

/*
 * Is this a swap header we may store records in? Version 1, last_page
 * sane (>= 10 pages, and <= dev_pages when dev_pages != 0) and a bad-page
 * list that ends before byte 2048. 0, -ENOMSG (no signature), -EINVAL
 * (version) or -ERANGE (sizes).
 */
int swaphdr_check(const struct swaphdr *h, uint64_t dev_pages);

const char *swap_sig_to_string(enum swap_sig s);

#endif
