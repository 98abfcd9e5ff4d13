// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for proto/: CRC32C and SHA-256 against published vectors,
 * the string helpers, and the swap header parser on crafted pages.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crc32c.h"
#include "sha256.h"
#include "strutil.h"
#include "swaphdr.h"

#define HEX_SIZE (2 * SHA256_DIGEST_SIZE + 1)

static void	sha256_hex(const void *, size_t, char [HEX_SIZE]);
static void	put_le32(uint8_t *, uint32_t);
static void	make_page(uint8_t *, const char *, uint32_t, uint32_t,
		    uint32_t);

static void
sha256_hex(const void *data, size_t len, char out[HEX_SIZE])
{
	uint8_t d[SHA256_DIGEST_SIZE];

	sha256(data, len, d);
	xh_hex(d, sizeof(d), out);
}

/*
 * CRC32C
 */

START_TEST(test_crc32c_vectors)
{
	uint8_t buf[32];
	int i;

	/* The check value of the CRC-32C catalogue entry. */
	ck_assert_uint_eq(crc32c(0, "123456789", 9), 0xe3069283);
	ck_assert_uint_eq(crc32c(0, "", 0), 0);
	/* RFC 3720 section B.4. */
	memset(buf, 0, sizeof(buf));
	ck_assert_uint_eq(crc32c(0, buf, sizeof(buf)), 0x8a9136aa);
	memset(buf, 0xff, sizeof(buf));
	ck_assert_uint_eq(crc32c(0, buf, sizeof(buf)), 0x62a8ab43);
	for (i = 0; i < 32; i++)
		buf[i] = (uint8_t)i;
	ck_assert_uint_eq(crc32c(0, buf, sizeof(buf)), 0x46dd794e);
	for (i = 0; i < 32; i++)
		buf[i] = (uint8_t)(31 - i);
	ck_assert_uint_eq(crc32c(0, buf, sizeof(buf)), 0x113fdb5c);
}
END_TEST

START_TEST(test_crc32c_chain)
{
	const char *s = "123456789";
	size_t cut;

	for (cut = 0; cut <= 9; cut++) {
		uint32_t c = crc32c(0, s, cut);

		ck_assert_uint_eq(crc32c(c, s + cut, 9 - cut), 0xe3069283);
	}
}
END_TEST

/*
 * SHA-256
 */

static const struct {
	const char *msg;
	const char *hex;
} sha_vectors[] = {
	{ "", "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855" },
	{ "abc", "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad" },
	{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	    "248d6a61d20638b8e5c026930c3e6039"
	    "a33ce45964ff2167f6ecedd419db06c1" },
	{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
	    "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
	    "cf5b16a778af8380036ce59e7b049237"
	    "0b249b11e8f07a51afac45037afee9d1" },
};

START_TEST(test_sha256_vectors)
{
	char hex[HEX_SIZE];

	sha256_hex(sha_vectors[_i].msg, strlen(sha_vectors[_i].msg), hex);
	ck_assert_str_eq(hex, sha_vectors[_i].hex);
}
END_TEST

/* Messages of 'a' around the padding boundaries (55/56 and 64 bytes). */
static const struct {
	size_t n;
	const char *hex;
} sha_lengths[] = {
	{ 55, "9f4390f8d30c2dd92ec9f095b65e2b9a"
	    "e9b0a925a5258e241c9f1e910f734318" },
	{ 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f"
	    "590ce20f1bde7090ef7970686ec6738a" },
	{ 63, "7d3e74a05d7db15bce4ad9ec0658ea98"
	    "e3f06eeecf16b4c6fff2da457ddc2f34" },
	{ 64, "ffe054fe7ae0cb6dc65c3af9b61d5209"
	    "f439851db43d0ba5997337df154668eb" },
	{ 65, "635361c48bb9eab14198e76ea8ab7f1a"
	    "41685d6ad62aa9146d301d4f17eb0ae0" },
	{ 119, "31eba51c313a5c08226adf18d4a359cf"
	    "dfd8d2e816b13f4af952f7ea6584dcfb" },
	{ 120, "2f3d335432c70b580af0e8e1b3674a7c"
	    "020d683aa5f73aaaedfdc55af904c21c" },
};

START_TEST(test_sha256_padding)
{
	char msg[128], hex[HEX_SIZE];

	memset(msg, 'a', sizeof(msg));
	sha256_hex(msg, sha_lengths[_i].n, hex);
	ck_assert_str_eq(hex, sha_lengths[_i].hex);
}
END_TEST

START_TEST(test_sha256_million)
{
	static const char want[] = "cdc76e5c9914fb9281a1c7e284d73e67"
	    "f1809a48a497200e046d39ccc7112cd0";
	static const size_t chunks[] = { 1000, 997, 64, 63, 65, 1 };
	char block[1000], hex[HEX_SIZE];
	uint8_t d[SHA256_DIGEST_SIZE];
	size_t c;

	memset(block, 'a', sizeof(block));
	for (c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
		struct sha256 s;
		size_t done = 0;

		sha256_init(&s);
		while (done < 1000000) {
			size_t n = 1000000 - done < chunks[c] ?
			    1000000 - done : chunks[c];

			sha256_update(&s, block, n);
			done += n;
		}
		sha256_final(&s, d);
		xh_hex(d, sizeof(d), hex);
		ck_assert_msg(strcmp(hex, want) == 0, "chunk %zu: %s",
		    chunks[c], hex);
	}
}
END_TEST

/* Any split into two or three updates equals the one-shot digest. */
START_TEST(test_sha256_split)
{
	uint8_t msg[200], one[SHA256_DIGEST_SIZE], two[SHA256_DIGEST_SIZE];
	size_t a, b, i;

	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 7 + 3);
	sha256(msg, sizeof(msg), one);
	for (a = 0; a <= sizeof(msg); a++) {
		for (b = a; b <= sizeof(msg); b += 13) {
			struct sha256 s;

			sha256_init(&s);
			sha256_update(&s, msg, a);
			sha256_update(&s, msg + a, 0);
			sha256_update(&s, msg + a, b - a);
			sha256_update(&s, msg + b, sizeof(msg) - b);
			sha256_final(&s, two);
			ck_assert_msg(memcmp(one, two, sizeof(one)) == 0,
			    "split at %zu/%zu", a, b);
		}
	}
	/* An empty update with no data pointer is allowed. */
	{
		struct sha256 s;
		char hex[HEX_SIZE];

		sha256_init(&s);
		sha256_update(&s, NULL, 0);
		sha256_final(&s, two);
		xh_hex(two, sizeof(two), hex);
		ck_assert_str_eq(hex, sha_vectors[0].hex);
	}
}
END_TEST

/*
 * strutil
 */

START_TEST(test_parse_u64)
{
	static const struct {
		const char *s;
		int base;
		int ret;
		unsigned long long v;
	} t[] = {
		{ "0", 10, 0, 0 },
		{ "42", 10, 0, 42 },
		{ "007", 10, 0, 7 },
		{ "18446744073709551615", 10, 0, 18446744073709551615ull },
		{ "18446744073709551616", 10, -ERANGE, 0 },
		{ "99999999999999999999999", 10, -ERANGE, 0 },
		{ "", 10, -EINVAL, 0 },
		{ "-1", 10, -EINVAL, 0 },
		{ "+1", 10, -EINVAL, 0 },
		{ " 1", 10, -EINVAL, 0 },
		{ "1 ", 10, -EINVAL, 0 },
		{ "1\n", 10, -EINVAL, 0 },
		{ "12a", 10, -EINVAL, 0 },
		{ "0x10", 10, -EINVAL, 0 },
		{ "ff", 16, 0, 255 },
		{ "FF", 16, 0, 255 },
		{ "a", 16, 0, 10 },
		{ "0x1f", 16, 0, 31 },
		{ "ffffffffffffffff", 16, 0, 0xffffffffffffffffull },
		{ "10000000000000000", 16, -ERANGE, 0 },
		{ "0x", 16, -EINVAL, 0 },
		{ "fg", 16, -EINVAL, 0 },
		{ "-f", 16, -EINVAL, 0 },
		{ "0x1f", 0, 0, 31 },
		{ "010", 0, 0, 8 },
		{ "08", 0, -EINVAL, 0 },
		{ "ff", 0, -EINVAL, 0 },
		{ "12", 8, -EINVAL, 0 },
		{ "12", 36, -EINVAL, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		unsigned long long v = 12345;
		int r = xh_parse_u64(t[i].s, t[i].base, &v);

		ck_assert_msg(r == t[i].ret, "\"%s\" base %d: %d, want %d",
		    t[i].s, t[i].base, r, t[i].ret);
		/* The result is written only on success. */
		ck_assert_msg(v == (r == 0 ? t[i].v : 12345),
		    "\"%s\" base %d: %llu", t[i].s, t[i].base, v);
	}
	ck_assert_int_eq(xh_parse_u64(NULL, 10, &(unsigned long long){0}),
	    -EINVAL);
}
END_TEST

START_TEST(test_hex)
{
	static const unsigned char in[] = { 0x00, 0x01, 0x7f, 0x80, 0xab,
	    0xff };
	unsigned char out[sizeof(in)];
	char hex[2 * sizeof(in) + 1];

	xh_hex(in, sizeof(in), hex);
	ck_assert_str_eq(hex, "00017f80abff");
	ck_assert_int_eq(xh_unhex(hex, out, sizeof(out)), 0);
	ck_assert_mem_eq(out, in, sizeof(in));
	ck_assert_int_eq(xh_unhex("00017F80ABFF", out, sizeof(out)), 0);
	ck_assert_mem_eq(out, in, sizeof(in));
	xh_hex(in, 0, hex);
	ck_assert_str_eq(hex, "");

	ck_assert_int_eq(xh_unhex("00017f80abf", out, sizeof(out)), -EINVAL);
	ck_assert_int_eq(xh_unhex("00017f80abff0", out, sizeof(out)), -EINVAL);
	ck_assert_int_eq(xh_unhex("00017f80abff00", out, sizeof(out)),
	    -EINVAL);
	ck_assert_int_eq(xh_unhex("00017f80abfg", out, sizeof(out)), -EINVAL);
	ck_assert_int_eq(xh_unhex("0x017f80abff", out, sizeof(out)), -EINVAL);
	ck_assert_int_eq(xh_unhex(" 0017f80abff", out, sizeof(out)), -EINVAL);
	ck_assert_int_eq(xh_unhex("", out, 1), -EINVAL);
	ck_assert_int_eq(xh_unhex("", out, 0), 0);
}
END_TEST

START_TEST(test_uuid)
{
	static const unsigned char want[16] = {
		0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b, 0x12, 0xd3,
		0xa4, 0x56, 0x42, 0x66, 0x14, 0x17, 0x40, 0x00,
	};
	static const char *const bad[] = {
		"123e4567-e89b-12d3-a456-42661417400",	/* 35 */
		"123e4567-e89b-12d3-a456-4266141740000",	/* 37 */
		"123e4567e-89b-12d3-a456-426614174000",	/* dash moved */
		"123e4567-e89b-12d3-a456_426614174000",
		"123e4567-e89b-12d3-a456-42661417400g",
		"123e4567-e89b-12d3-a456--42661417400",
		"123e4567e89b12d3a456426614174000a",	/* 33 hex */
		"123e4567e89b12d3a45642661417400",	/* 31 hex */
		"123e4567e89b12d3a45642661417400z",
		"{123e4567-e89b-12d3-a456-426614174000}",
		"",
	};
	unsigned char out[16];
	char s[37];
	size_t i;

	ck_assert_int_eq(xh_parse_uuid("123e4567-e89b-12d3-a456-426614174000",
	    out), 0);
	ck_assert_mem_eq(out, want, 16);
	memset(out, 0, sizeof(out));
	ck_assert_int_eq(xh_parse_uuid("123E4567-E89B-12D3-A456-426614174000",
	    out), 0);
	ck_assert_mem_eq(out, want, 16);
	memset(out, 0, sizeof(out));
	ck_assert_int_eq(xh_parse_uuid("123e4567e89b12d3a456426614174000",
	    out), 0);
	ck_assert_mem_eq(out, want, 16);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(xh_parse_uuid(bad[i], out) == -EINVAL,
		    "accepted \"%s\"", bad[i]);

	xh_format_uuid(want, s);
	ck_assert_str_eq(s, "123e4567-e89b-12d3-a456-426614174000");
}
END_TEST

START_TEST(test_strlcpy_rstrip)
{
	char buf[8], s[16];

	ck_assert_uint_eq(xh_strlcpy(buf, "abc", sizeof(buf)), 3);
	ck_assert_str_eq(buf, "abc");
	ck_assert_uint_eq(xh_strlcpy(buf, "abcdefghij", sizeof(buf)), 10);
	ck_assert_str_eq(buf, "abcdefg");
	ck_assert_uint_eq(xh_strlcpy(buf, "abcdefg", sizeof(buf)), 7);
	ck_assert_str_eq(buf, "abcdefg");
	buf[0] = 'x';
	ck_assert_uint_eq(xh_strlcpy(buf, "abc", 0), 3);
	ck_assert_int_eq(buf[0], 'x');

	strcpy(s, " a b \t\n\r ");
	ck_assert_str_eq(xh_rstrip(s), " a b");
	strcpy(s, " \n");
	ck_assert_str_eq(xh_rstrip(s), "");
	strcpy(s, "");
	ck_assert_str_eq(xh_rstrip(s), "");
	ck_assert(streq("a", "a") && !streq("a", "ab"));
	ck_assert(startswith("resume=UUID", "resume=") &&
	    !startswith("resum", "resume="));
}
END_TEST

/*
 * Swap header
 */

static void
put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* A page as mkswap writes it, with sig (10 bytes, NUL padded) at the end. */
static void
make_page(uint8_t *page, const char *sig, uint32_t version,
    uint32_t last_page, uint32_t nr_badpages)
{
	static const uint8_t uuid[16] = {
		0xde, 0xad, 0xbe, 0xef, 0x00, 0x11, 0x22, 0x33,
		0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
	};

	memset(page, 0, SWAP_PAGE_SIZE);
	put_le32(page + SWAPHDR_VERSION_OFF, version);
	put_le32(page + SWAPHDR_LAST_PAGE_OFF, last_page);
	put_le32(page + SWAPHDR_NR_BADPAGES_OFF, nr_badpages);
	memcpy(page + SWAPHDR_UUID_OFF, uuid, sizeof(uuid));
	memcpy(page + SWAPHDR_LABEL_OFF, "swap0", 5);
	if (sig)
		memcpy(page + SWAPHDR_SIG_OFF, sig, strnlen(sig, 10));
}

START_TEST(test_swaphdr_swapspace2)
{
	uint8_t page[SWAP_PAGE_SIZE];
	struct swaphdr h;

	make_page(page, "SWAPSPACE2", 1, 262143, 0);
	ck_assert_int_eq(swaphdr_parse(page, &h), 0);
	ck_assert_int_eq(h.sig, SWAP_SIG_SWAPSPACE2);
	ck_assert(!h.is_image);
	ck_assert_uint_eq(h.version, 1);
	ck_assert_uint_eq(h.last_page, 262143);
	ck_assert_uint_eq(h.nr_badpages, 0);
	ck_assert_uint_eq(h.uuid[0], 0xde);
	ck_assert_uint_eq(h.uuid[15], 0xbb);
	ck_assert_str_eq(h.label, "swap0");
	ck_assert_str_eq(swap_sig_to_string(h.sig), "SWAPSPACE2");
	ck_assert_int_eq(swaphdr_check(&h, 0), 0);
	ck_assert_int_eq(swaphdr_check(&h, 262144), 0);
}
END_TEST

START_TEST(test_swaphdr_images)
{
	static const struct {
		const char *sig;
		enum swap_sig want;
	} t[] = {
		{ "S1SUSPEND", SWAP_SIG_S1SUSPEND },
		{ "ULSUSPEND", SWAP_SIG_ULSUSPEND },
		{ "S2SUSPEND", SWAP_SIG_S2SUSPEND },
		{ "LINHIB0001", SWAP_SIG_LINHIB0001 },
	};
	uint8_t page[SWAP_PAGE_SIZE];
	struct swaphdr h;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		make_page(page, t[i].sig, 1, 1000, 0);
		/* Hibernation keeps the original signature before sig. */
		memcpy(page + SWAPHDR_SIG_OFF - 10, "SWAPSPACE2", 10);
		ck_assert_int_eq(swaphdr_parse(page, &h), 0);
		ck_assert_int_eq(h.sig, t[i].want);
		ck_assert(h.is_image);
		ck_assert_str_eq(swap_sig_to_string(h.sig), t[i].sig);
		ck_assert_int_eq(swaphdr_check(&h, 1001), 0);
	}
}
END_TEST

START_TEST(test_swaphdr_nosig)
{
	static const char *const bad[] = {
		NULL,		/* all zero */
		"SWAP-SPACE",	/* version 0 swap, not supported */
		"S1SUSPENDX",	/* no NUL after the signature */
		"swapspace2",
		"SWAPSPACE",
	};
	uint8_t page[SWAP_PAGE_SIZE];
	struct swaphdr h;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		make_page(page, bad[i], 1, 1000, 0);
		memset(&h, 0xa5, sizeof(h));
		ck_assert_int_eq(swaphdr_parse(page, &h), -ENOMSG);
		ck_assert_int_eq(h.sig, SWAP_SIG_NONE);
		ck_assert(!h.is_image);
		ck_assert_int_lt(swaphdr_check(&h, 0), 0);
	}
	ck_assert_str_eq(swap_sig_to_string(SWAP_SIG_NONE), "none");
	/* A signature one byte early is not a signature. */
	make_page(page, NULL, 1, 1000, 0);
	memcpy(page + SWAPHDR_SIG_OFF - 1, "SWAPSPACE2", 10);
	ck_assert_int_eq(swaphdr_parse(page, &h), -ENOMSG);
}
END_TEST

START_TEST(test_swaphdr_version)
{
	uint8_t page[SWAP_PAGE_SIZE];
	struct swaphdr h;

	make_page(page, "SWAPSPACE2", 0, 1000, 0);
	ck_assert_int_eq(swaphdr_parse(page, &h), 0);
	ck_assert_uint_eq(h.version, 0);
	ck_assert_int_eq(swaphdr_check(&h, 0), -EINVAL);
	make_page(page, "S1SUSPEND", 2, 1000, 0);
	ck_assert_int_eq(swaphdr_parse(page, &h), 0);
	ck_assert_int_eq(swaphdr_check(&h, 0), -EINVAL);
	/* Big-endian mkswap header: version reads as 0x01000000. */
	make_page(page, "SWAPSPACE2", 0x01000000, 1000, 0);
	ck_assert_int_eq(swaphdr_parse(page, &h), 0);
	ck_assert_int_eq(swaphdr_check(&h, 0), -EINVAL);
}
END_TEST

START_TEST(test_swaphdr_badpages)
{
	uint8_t page[SWAP_PAGE_SIZE];
	struct swaphdr h;

	/* 128 entries end exactly at byte 2048: allowed. */
	make_page(page, "SWAPSPACE2", 1, 1000, 128);
	ck_assert_int_eq(swaphdr_parse(page, &h), 0);
	ck_assert_uint_eq(h.nr_badpages, 128);
	ck_assert_int_eq(swaphdr_check(&h, 0), 0);
	make_page(page, "SWAPSPACE2", 1, 1000, 129);
	ck_assert_int_eq(swaphdr_parse(page, &h), 0);
	ck_assert_int_eq(swaphdr_check(&h, 0), -ERANGE);
	/* No 32-bit wrap-around of 4 * nr_badpages. */
	make_page(page, "SWAPSPACE2", 1, 1000, 0x40000000);
	ck_assert_int_eq(swaphdr_parse(page, &h), 0);
	ck_assert_int_eq(swaphdr_check(&h, 0), -ERANGE);
	make_page(page, "SWAPSPACE2", 1, 1000, 0xffffffff);
	ck_assert_int_eq(swaphdr_parse(page, &h), 0);
	ck_assert_int_eq(swaphdr_check(&h, 0), -ERANGE);
}
END_TEST

START_TEST(test_swaphdr_last_page)
{
	uint8_t page[SWAP_PAGE_SIZE];
	struct swaphdr h;

	make_page(page, "SWAPSPACE2", 1, 1000, 0);
	ck_assert_int_eq(swaphdr_parse(page, &h), 0);
	/* last_page is the index of the last page: the device needs more. */
	ck_assert_int_eq(swaphdr_check(&h, 1001), 0);
	ck_assert_int_eq(swaphdr_check(&h, 1000), -ERANGE);
	ck_assert_int_eq(swaphdr_check(&h, 1), -ERANGE);
	ck_assert_int_eq(swaphdr_check(&h, UINT64_MAX), 0);
	/* mkswap's minimum is 10 pages, i.e. last_page 9. */
	make_page(page, "SWAPSPACE2", 1, 9, 0);
	ck_assert_int_eq(swaphdr_parse(page, &h), 0);
	ck_assert_int_eq(swaphdr_check(&h, 10), 0);
	make_page(page, "SWAPSPACE2", 1, 8, 0);
	ck_assert_int_eq(swaphdr_parse(page, &h), 0);
	ck_assert_int_eq(swaphdr_check(&h, 0), -ERANGE);
	make_page(page, "SWAPSPACE2", 1, 0, 0);
	ck_assert_int_eq(swaphdr_parse(page, &h), 0);
	ck_assert_int_eq(swaphdr_check(&h, 0), -ERANGE);
}
END_TEST

START_TEST(test_swaphdr_label)
{
	uint8_t page[SWAP_PAGE_SIZE];
	struct swaphdr h;

	/* A 16-byte label has no terminator on disk. */
	make_page(page, "SWAPSPACE2", 1, 1000, 0);
	memcpy(page + SWAPHDR_LABEL_OFF, "0123456789abcdefXYZ", 19);
	ck_assert_int_eq(swaphdr_parse(page, &h), 0);
	ck_assert_str_eq(h.label, "0123456789abcdef");
	/* The bytes we may use (padding, after the bad-page list) and the
	 * swsusp fields before sig do not change the verdict. */
	memset(page + 1068, 0xee, 1536 - 1068);
	memset(page + 2048, 0xee, SWAPHDR_SWSUSP_OFF - 2048);
	ck_assert_int_eq(swaphdr_parse(page, &h), 0);
	ck_assert_int_eq(swaphdr_check(&h, 0), 0);
}
END_TEST

static Suite *
proto_suite(void)
{
	Suite *s = suite_create("proto");
	TCase *tc;

	tc = tcase_create("crc32c");
	tcase_add_test(tc, test_crc32c_vectors);
	tcase_add_test(tc, test_crc32c_chain);
	suite_add_tcase(s, tc);

	tc = tcase_create("sha256");
	tcase_add_loop_test(tc, test_sha256_vectors, 0,
	    sizeof(sha_vectors) / sizeof(sha_vectors[0]));
	tcase_add_loop_test(tc, test_sha256_padding, 0,
	    sizeof(sha_lengths) / sizeof(sha_lengths[0]));
	tcase_add_test(tc, test_sha256_million);
	tcase_add_test(tc, test_sha256_split);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("strutil");
	tcase_add_test(tc, test_parse_u64);
	tcase_add_test(tc, test_hex);
	tcase_add_test(tc, test_uuid);
	tcase_add_test(tc, test_strlcpy_rstrip);
	suite_add_tcase(s, tc);

	tc = tcase_create("swaphdr");
	tcase_add_test(tc, test_swaphdr_swapspace2);
	tcase_add_test(tc, test_swaphdr_images);
	tcase_add_test(tc, test_swaphdr_nosig);
	tcase_add_test(tc, test_swaphdr_version);
	tcase_add_test(tc, test_swaphdr_badpages);
	tcase_add_test(tc, test_swaphdr_last_page);
	tcase_add_test(tc, test_swaphdr_label);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(proto_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
