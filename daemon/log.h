/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One logger for all programs: plain stderr with a program prefix, or
 * sd-daemon "<N>" level prefixes under systemd (JOURNAL_STREAM set).
 * The *_errno variants return -abs(err) and make %m print strerror(err).
 */
#ifndef XH_LOG_H
#define XH_LOG_H

#include <syslog.h>

#include "util.h"

void log_init(const char *progname, int max_level);
void log_set_max_level(int level);
int log_get_max_level(void);

int log_internal(int level, int err, const char *fmt, ...) _printf_(3, 4);

#define log_debug(...) log_internal(LOG_DEBUG, 0, __VA_ARGS__)
#define log_info(...) log_internal(LOG_INFO, 0, __VA_ARGS__)
#define log_notice(...) log_internal(LOG_NOTICE, 0, __VA_ARGS__)
#define log_warning(...) log_internal(LOG_WARNING, 0, __VA_ARGS__)
#define log_error(...) log_internal(LOG_ERR, 0, __VA_ARGS__)
#define log_debug_errno(e, ...) log_internal(LOG_DEBUG, (e), __VA_ARGS__)
#define log_warning_errno(e, ...) log_internal(LOG_WARNING, (e), __VA_ARGS__)
#define log_error_errno(e, ...) log_internal(LOG_ERR, (e), __VA_ARGS__)

#endif
