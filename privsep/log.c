/*
 * One line per event, "role: message".  Formatting happens into a fixed
 * stack buffer and the line is written with a single write(2), so that
 * lines from several processes on one stderr do not interleave and no
 * allocation happens after the sandbox is up.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"

static int	 log_to_stderr = 1;
static int	 log_verbose;
static char	 log_name[32] = "contrast";

void		(*log_fatal_hook)(void);

void
log_init(int to_stderr, int verbose)
{
	log_to_stderr = to_stderr;
	log_verbose = verbose;
	if (!log_to_stderr)
		openlog("contrast", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_procinit(const char *name)
{
	if (name != NULL)
		snprintf(log_name, sizeof(log_name), "%s", name);
}

const char *
log_procname(void)
{
	return log_name;
}

void
log_setverbose(int v)
{
	log_verbose = v;
}

int
log_getverbose(void)
{
	return log_verbose;
}

static void	log_line(int, const char *, const char *, va_list)
		    __attribute__((__format__ (printf, 3, 0)));

static void
log_line(int pri, const char *errstr, const char *fmt, va_list ap)
{
	char	 msg[1024], line[1200];
	int	 n;
	size_t	 i;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	/* A log line is one line: fold control characters from peers. */
	for (i = 0; msg[i] != '\0'; i++)
		if ((unsigned char)msg[i] < 0x20 || msg[i] == 0x7f)
			msg[i] = '?';
	if (!log_to_stderr) {
		if (errstr != NULL)
			syslog(pri, "%s: %s: %s", log_name, msg, errstr);
		else
			syslog(pri, "%s: %s", log_name, msg);
		return;
	}
	if (errstr != NULL)
		n = snprintf(line, sizeof(line), "%s: %s: %s\n", log_name, msg,
		    errstr);
	else
		n = snprintf(line, sizeof(line), "%s: %s\n", log_name, msg);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line)) {
		n = sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	/* Nothing sensible to do if stderr is gone. */
	if (write(STDERR_FILENO, line, (size_t)n) == -1)
		return;
}

void
vlog(int pri, const char *fmt, va_list ap)
{
	int	 saved_errno = errno;

	if (pri == LOG_DEBUG && log_verbose < 1)
		return;
	log_line(pri, NULL, fmt, ap);
	errno = saved_errno;
}

void
log_warn(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved_errno = errno;

	va_start(ap, fmt);
	log_line(LOG_ERR, strerror(saved_errno), fmt, ap);
	va_end(ap);
	errno = saved_errno;
}

void
log_warnx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOG_ERR, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap);
	va_end(ap);
}

static void __attribute__((__noreturn__))
fatal_exit(void)
{
	if (log_fatal_hook != NULL)
		log_fatal_hook();
	_exit(1);
}

void
fatal(const char *fmt, ...)
{
	va_list	 ap;
	char	 buf[900];
	int	 saved_errno = errno;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log_warnx("fatal: %s: %s", buf, strerror(saved_errno));
	fatal_exit();
}

void
fatalx(const char *fmt, ...)
{
	va_list	 ap;
	char	 buf[900];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log_warnx("fatal: %s", buf);
	fatal_exit();
}

void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	 ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}
