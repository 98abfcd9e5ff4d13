/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CRC32C (Castagnoli, reflected 0x82F63B78), as in iSCSI and ext4. */
#ifndef XH_CRC32C_H
#define XH_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* crc32c(0, "123456789", 9) == 0xE3069283. Chain by passing the result. */
uint32_t crc32c(uint32_t crc, const void *buf, size_t len);

#endif
