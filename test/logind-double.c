// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * logind-double: a systemd-logind stand-in for xen-handoverd's tests, on
 * a private bus. It owns org.freedesktop.login1 and implements, on
 * /org/freedesktop/login1:
 *
 * org.freedesktop.login1.Manager
 *   Inhibit(ssss what, who, why, mode) -> h   a pipe's write end; the
 *       inhibitor lasts until every copy of it is closed (logind uses a
 *       FIFO the same way). Refused for an operation in progress.
 *   ListInhibitors() -> a(ssssuu)             what, who, why, mode, uid,
 *                                             pid, as logind
 *   Hibernate(b)     block locks on "sleep" refuse it with
 *       org.freedesktop.login1.BlockedByInhibitorLock "Operation
 *       inhibited by ..."; otherwise PrepareForSleep(true), wait for
 *       the delay locks (at most InhibitDelayMaxUSec), "sleep",
 *       PrepareForSleep(false), reply
 *   signal PrepareForSleep(b); property InhibitDelayMaxUSec (t)
 *
 * org.xenhandover.LogindDouble (test control)
 *   Sleep(b start) -> t   true: emit PrepareForSleep(true) and reply, once
 *       every delay lock on sleep is closed, with the microseconds from
 *       the signal to the last close (error NoDelayLock when none is
 *       held, Timeout after InhibitDelayMaxUSec); false: emit
 *       PrepareForSleep(false), reply 0
 *   WaitInhibitors(s mode, u count, t usec) -> u   reply once exactly
 *       count inhibitors of that mode ("" any) are held; error Timeout
 *   ClockWasSet()    set CLOCK_REALTIME to its own value, as the kernel
 *       does after a resume: CANCEL_ON_SET timerfds fire (needs
 *       CAP_SYS_TIME; the clock moves by the call's duration at most)
 *
 * It also stands in for the service manager's notification socket:
 * --notify PATH binds a datagram socket there and appends every message
 * line (READY=1, STATUS=..., WATCHDOG=1) to --notify-log FILE.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#define PATH "/org/freedesktop/login1"
#define MANAGER "org.freedesktop.login1.Manager"
#define CONTROL "org.xenhandover.LogindDouble"

struct inhibitor {
	LIST_ENTRY(inhibitor) link;
	char *what, *who, *why, *mode;
	uint32_t uid, pid;
	int fd;
	sd_event_source *src;
};

struct waiter {
	LIST_ENTRY(waiter) link;
	sd_bus_message *msg;
	char mode[16];
	uint32_t count;
	sd_event_source *timer;
};

static LIST_HEAD(, inhibitor) inhibitors;
static LIST_HEAD(, waiter) waiters;
static sd_bus *bus;
static sd_event *loop;
static uint64_t delay_max = 5000000;	/* usec, logind's default */
static FILE *notify_log;

/* The sleep in progress. */
static bool sleeping;
static bool sleep_hibernate;		/* Hibernate(): emit false too */
static uint64_t sleep_t0;
static sd_bus_message *sleep_reply;	/* the call to answer */
static sd_event_source *sleep_timer;

static uint64_t
now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static bool
has_word(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p = list;

	while ((p = strstr(p, word))) {
		if ((p == list || p[-1] == ':') && (p[n] == '\0' ||
		    p[n] == ':'))
			return true;
		p += n;
	}
	return false;
}

static unsigned int
count_mode(const char *mode, const char *what)
{
	struct inhibitor *i;
	unsigned int n = 0;

	LIST_FOREACH(i, &inhibitors, link)
		if ((!mode[0] || !strcmp(i->mode, mode)) &&
		    (!what || has_word(i->what, what)))
			n++;
	return n;
}

static void
waiter_free(struct waiter *w)
{
	LIST_REMOVE(w, link);
	sd_event_source_unref(w->timer);
	sd_bus_message_unref(w->msg);
	free(w);
}

static void
check_waiters(void)
{
	struct waiter *w, *next;

	for (w = LIST_FIRST(&waiters); w; w = next) {
		next = LIST_NEXT(w, link);
		if (count_mode(w->mode, NULL) == w->count) {
			sd_bus_reply_method_return(w->msg, "u", w->count);
			waiter_free(w);
		}
	}
}

static int
emit(bool start)
{
	return sd_bus_emit_signal(bus, PATH, MANAGER, "PrepareForSleep", "b",
	    (int)start);
}

static void
sleep_finish(bool timed_out)
{
	uint64_t lat = now_usec() - sleep_t0;
	sd_bus_message *m = sleep_reply;

	sleeping = false;
	sleep_reply = NULL;
	sleep_timer = sd_event_source_unref(sleep_timer);
	if (sleep_hibernate) {
		fprintf(stderr, "logind-double: sleeping (%s)\n", timed_out ?
		    "delay timed out" : "delay locks released");
		emit(false);
		if (m)
			sd_bus_reply_method_return(m, "");
	} else if (m) {
		if (timed_out)
			sd_bus_reply_method_errorf(m, CONTROL ".Timeout",
			    "delay locks still held after %" PRIu64 " us",
			    delay_max);
		else
			sd_bus_reply_method_return(m, "t", lat);
	}
	sd_bus_message_unref(m);
	sd_bus_flush(bus);
}

static void
inhibitor_free(struct inhibitor *i)
{
	LIST_REMOVE(i, link);
	sd_event_source_unref(i->src);
	close(i->fd);
	free(i->what);
	free(i->who);
	free(i->why);
	free(i->mode);
	free(i);
}

static int
inhibitor_hup(sd_event_source *s, int fd, uint32_t revents, void *ud)
{
	struct inhibitor *i = ud;
	char buf[64];
	bool delay_sleep = !strcmp(i->mode, "delay") &&
	    has_word(i->what, "sleep");

	(void)s;
	(void)revents;
	if (read(fd, buf, sizeof(buf)) > 0)
		return 0;	/* someone wrote: ignore, wait for EOF */
	fprintf(stderr, "logind-double: released %s %s lock of %s\n",
	    i->mode, i->what, i->who);
	inhibitor_free(i);
	if (sleeping && delay_sleep && count_mode("delay", "sleep") == 0)
		sleep_finish(false);
	check_waiters();
	return 0;
}

static int
method_inhibit(sd_bus_message *m, void *ud, sd_bus_error *err)
{
	const char *what, *who, *why, *mode;
	sd_bus_creds *creds = NULL;
	struct inhibitor *i;
	pid_t pid = 0;
	uid_t uid = 0;
	int p[2], r;

	(void)ud;
	r = sd_bus_message_read(m, "ssss", &what, &who, &why, &mode);
	if (r < 0)
		return r;
	if (strcmp(mode, "block") && strcmp(mode, "delay"))
		return sd_bus_error_setf(err, SD_BUS_ERROR_INVALID_ARGS,
		    "Invalid mode specification %s", mode);
	if (!strcmp(mode, "delay") && !has_word(what, "sleep") &&
	    !has_word(what, "shutdown"))
		return sd_bus_error_set(err, SD_BUS_ERROR_NOT_SUPPORTED,
		    "Delay inhibitors only supported for shutdown and sleep");
	if (sleeping && has_word(what, "sleep"))
		return sd_bus_error_set(err,
		    "org.freedesktop.login1.OperationInProgress",
		    "The operation inhibition has been requested for is "
		    "already running");
	if (sd_bus_query_sender_creds(m, SD_BUS_CREDS_PID |
	    SD_BUS_CREDS_EUID | SD_BUS_CREDS_AUGMENT, &creds) >= 0) {
		(void)sd_bus_creds_get_pid(creds, &pid);
		(void)sd_bus_creds_get_euid(creds, &uid);
		sd_bus_creds_unref(creds);
	}
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	i = calloc(1, sizeof(*i));
	if (!i) {
		close(p[0]);
		close(p[1]);
		return -ENOMEM;
	}
	i->what = strdup(what);
	i->who = strdup(who);
	i->why = strdup(why);
	i->mode = strdup(mode);
	i->pid = (uint32_t)pid;
	i->uid = (uint32_t)uid;
	i->fd = p[0];
	LIST_INSERT_HEAD(&inhibitors, i, link);
	r = sd_event_add_io(loop, &i->src, p[0], EPOLLIN, inhibitor_hup, i);
	if (r >= 0)
		r = sd_bus_reply_method_return(m, "h", p[1]);
	close(p[1]);
	if (r < 0) {
		inhibitor_free(i);
		return r;
	}
	fprintf(stderr, "logind-double: %s %s lock for %s (pid %u): %s\n",
	    mode, what, who, (unsigned)pid, why);
	check_waiters();
	return 1;
}

static int
method_list(sd_bus_message *m, void *ud, sd_bus_error *err)
{
	sd_bus_message *reply = NULL;
	struct inhibitor *i;
	int r;

	(void)ud;
	(void)err;
	r = sd_bus_message_new_method_return(m, &reply);
	if (r >= 0)
		r = sd_bus_message_open_container(reply, 'a', "(ssssuu)");
	LIST_FOREACH(i, &inhibitors, link)
		if (r >= 0)
			r = sd_bus_message_append(reply, "(ssssuu)", i->what,
			    i->who, i->why, i->mode, i->uid, i->pid);
	if (r >= 0)
		r = sd_bus_message_close_container(reply);
	if (r >= 0)
		r = sd_bus_send(NULL, reply, NULL);
	sd_bus_message_unref(reply);
	return r < 0 ? r : 1;
}

static int
sleep_timeout(sd_event_source *s, uint64_t usec, void *ud)
{
	(void)s;
	(void)usec;
	(void)ud;
	sleep_finish(true);
	return 0;
}

/* PrepareForSleep(true), then wait for the delay locks. */
static int
sleep_start(sd_bus_message *m, bool hibernate)
{
	int r;

	sleeping = true;
	sleep_hibernate = hibernate;
	sleep_reply = sd_bus_message_ref(m);
	r = sd_event_add_time_relative(loop, &sleep_timer, CLOCK_MONOTONIC,
	    delay_max, 0, sleep_timeout, NULL);
	if (r < 0)
		return r;
	sleep_t0 = now_usec();
	r = emit(true);
	if (r < 0)
		return r;
	sd_bus_flush(bus);
	if (count_mode("delay", "sleep") == 0)
		sleep_finish(false);
	return 1;
}

static int
method_hibernate(sd_bus_message *m, void *ud, sd_bus_error *err)
{
	struct inhibitor *i;
	int interactive, r;

	(void)ud;
	r = sd_bus_message_read(m, "b", &interactive);
	if (r < 0)
		return r;
	LIST_FOREACH(i, &inhibitors, link)
		if (!strcmp(i->mode, "block") && has_word(i->what, "sleep"))
			return sd_bus_error_setf(err,
			    "org.freedesktop.login1.BlockedByInhibitorLock",
			    "Operation inhibited by \"%s\" (PID %u, user %u), "
			    "reason is \"%s\".", i->who, (unsigned)i->pid,
			    (unsigned)i->uid, i->why);
	if (sleeping)
		return sd_bus_error_set(err,
		    "org.freedesktop.login1.OperationInProgress",
		    "There's already a shutdown or sleep operation in "
		    "progress");
	return sleep_start(m, true);
}

static int
method_sleep(sd_bus_message *m, void *ud, sd_bus_error *err)
{
	int start, r;

	(void)ud;
	r = sd_bus_message_read(m, "b", &start);
	if (r < 0)
		return r;
	if (!start) {
		r = emit(false);
		if (r < 0)
			return r;
		return sd_bus_reply_method_return(m, "t", (uint64_t)0);
	}
	if (sleeping)
		return sd_bus_error_set(err, CONTROL ".Busy",
		    "a sleep is in progress");
	if (count_mode("delay", "sleep") == 0)
		return sd_bus_error_set(err, CONTROL ".NoDelayLock",
		    "nobody holds a delay lock on sleep");
	return sleep_start(m, false);
}

static int
waiter_timeout(sd_event_source *s, uint64_t usec, void *ud)
{
	struct waiter *w = ud;

	(void)s;
	(void)usec;
	sd_bus_reply_method_errorf(w->msg, CONTROL ".Timeout",
	    "%u %s inhibitors held, not %u", count_mode(w->mode, NULL),
	    w->mode[0] ? w->mode : "any", w->count);
	waiter_free(w);
	return 0;
}

static int
method_wait(sd_bus_message *m, void *ud, sd_bus_error *err)
{
	const char *mode;
	struct waiter *w;
	uint64_t usec;
	uint32_t count;
	int r;

	(void)ud;
	(void)err;
	r = sd_bus_message_read(m, "sut", &mode, &count, &usec);
	if (r < 0)
		return r;
	if (count_mode(mode, NULL) == count)
		return sd_bus_reply_method_return(m, "u", count);
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	snprintf(w->mode, sizeof(w->mode), "%s", mode);
	w->count = count;
	w->msg = sd_bus_message_ref(m);
	LIST_INSERT_HEAD(&waiters, w, link);
	r = sd_event_add_time_relative(loop, &w->timer, CLOCK_MONOTONIC, usec,
	    0, waiter_timeout, w);
	if (r < 0) {
		waiter_free(w);
		return r;
	}
	return 1;
}

static int
method_clock(sd_bus_message *m, void *ud, sd_bus_error *err)
{
	struct timespec ts;

	(void)ud;
	clock_gettime(CLOCK_REALTIME, &ts);
	if (clock_settime(CLOCK_REALTIME, &ts) < 0)
		return sd_bus_error_set_errnof(err, errno,
		    "clock_settime: %s", strerror(errno));
	return sd_bus_reply_method_return(m, "");
}

static const sd_bus_vtable manager_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_PROPERTY("InhibitDelayMaxUSec", "t", NULL, 0,
	    SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_METHOD("Inhibit", "ssss", "h", method_inhibit,
	    SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD("ListInhibitors", "", "a(ssssuu)", method_list,
	    SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD("Hibernate", "b", "", method_hibernate,
	    SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_SIGNAL("PrepareForSleep", "b", 0),
	SD_BUS_VTABLE_END
};

static const sd_bus_vtable control_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_METHOD("Sleep", "b", "t", method_sleep,
	    SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD("WaitInhibitors", "sut", "u", method_wait,
	    SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD("ClockWasSet", "", "", method_clock,
	    SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_VTABLE_END
};

static int
notify_cb(sd_event_source *s, int fd, uint32_t revents, void *ud)
{
	char buf[4096];
	ssize_t n;

	(void)s;
	(void)revents;
	(void)ud;
	while ((n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT)) > 0) {
		buf[n] = '\0';
		fprintf(notify_log, "%s%s", buf, buf[n - 1] == '\n' ? "" :
		    "\n");
		fflush(notify_log);
	}
	return 0;
}

static int
notify_open(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	unlink(path);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -errno;
	}
	return fd;
}

static int
write_ready(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	fprintf(f, "%ld\n", (long)getpid());
	return fclose(f) == 0 ? 0 : -errno;
}

static const char usage[] =
"Usage: logind-double [--bus ADDRESS] [--delay-max USEC] [--ready FILE]\n"
"                     [--notify PATH --notify-log FILE]\n"
"A systemd-logind stand-in on a private bus (see the top of\n"
"test/logind-double.c). ADDRESS defaults to $DBUS_SYSTEM_BUS_ADDRESS.\n";

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "bus", required_argument, NULL, 'b' },
		{ "delay-max", required_argument, NULL, 'd' },
		{ "ready", required_argument, NULL, 'r' },
		{ "notify", required_argument, NULL, 'n' },
		{ "notify-log", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *address = getenv("DBUS_SYSTEM_BUS_ADDRESS");
	const char *ready = NULL, *npath = NULL, *nlog = NULL;
	int o, r, nfd = -1;
	sigset_t mask;

	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (o) {
		case 'b':
			address = optarg;
			break;
		case 'd':
			delay_max = strtoull(optarg, NULL, 10);
			break;
		case 'r':
			ready = optarg;
			break;
		case 'n':
			npath = optarg;
			break;
		case 'l':
			nlog = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (!address || (npath && !nlog)) {
		fputs(usage, stderr);
		return 2;
	}
	LIST_INIT(&inhibitors);
	LIST_INIT(&waiters);
	if ((r = sd_event_default(&loop)) < 0 ||
	    (r = sd_bus_new(&bus)) < 0 ||
	    (r = sd_bus_set_address(bus, address)) < 0 ||
	    (r = sd_bus_set_bus_client(bus, 1)) < 0 ||
	    (r = sd_bus_negotiate_fds(bus, 1)) < 0 ||
	    (r = sd_bus_negotiate_creds(bus, 1, SD_BUS_CREDS_PID |
	    SD_BUS_CREDS_EUID)) < 0 ||
	    (r = sd_bus_start(bus)) < 0) {
		fprintf(stderr, "logind-double: bus %s: %s\n", address,
		    strerror(-r));
		return 1;
	}
	if ((r = sd_bus_add_object_vtable(bus, NULL, PATH, MANAGER,
	    manager_vtable, NULL)) < 0 ||
	    (r = sd_bus_add_object_vtable(bus, NULL, PATH, CONTROL,
	    control_vtable, NULL)) < 0 ||
	    (r = sd_bus_request_name(bus, "org.freedesktop.login1", 0)) < 0 ||
	    (r = sd_bus_attach_event(bus, loop, 0)) < 0) {
		fprintf(stderr, "logind-double: %s\n", strerror(-r));
		return 1;
	}
	if (npath) {
		notify_log = fopen(nlog, "a");
		nfd = notify_open(npath);
		if (!notify_log || nfd < 0 || sd_event_add_io(loop, NULL, nfd,
		    EPOLLIN, notify_cb, NULL) < 0) {
			fprintf(stderr, "logind-double: notify socket %s: "
			    "failed\n", npath);
			return 1;
		}
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	(void)sd_event_add_signal(loop, NULL, SIGTERM, NULL, NULL);
	(void)sd_event_add_signal(loop, NULL, SIGINT, NULL, NULL);
	if (ready && write_ready(ready) < 0) {
		fprintf(stderr, "logind-double: cannot write %s\n", ready);
		return 1;
	}
	r = sd_event_loop(loop);
	while (!LIST_EMPTY(&inhibitors))
		inhibitor_free(LIST_FIRST(&inhibitors));
	while (!LIST_EMPTY(&waiters))
		waiter_free(LIST_FIRST(&waiters));
	sd_bus_flush_close_unref(bus);
	sd_event_unref(loop);
	if (notify_log)
		fclose(notify_log);
	if (nfd >= 0)
		close(nfd);
	return r < 0 ? 1 : 0;
}
