/*
 * Logging in the OpenBSD log.c manner: one line per event, prefixed with
 * the process role ("front: accepted 127.0.0.1:5000").  Lines go to stderr
 * unless log_init() was asked for syslog.  Never pass secret bytes here.
 */
#ifndef PRIVSEP_LOG_H
#define PRIVSEP_LOG_H

#include <stdarg.h>

void	log_init(int, int);		/* to stderr?, verbosity */
void	log_procinit(const char *);	/* role name used as prefix */
const char *log_procname(void);
void	log_setverbose(int);
int	log_getverbose(void);
void	log_warn(const char *, ...)
	    __attribute__((__format__ (printf, 1, 2)));
void	log_warnx(const char *, ...)
	    __attribute__((__format__ (printf, 1, 2)));
void	log_info(const char *, ...)
	    __attribute__((__format__ (printf, 1, 2)));
void	log_debug(const char *, ...)
	    __attribute__((__format__ (printf, 1, 2)));
void	vlog(int, const char *, va_list)
	    __attribute__((__format__ (printf, 2, 0)));
void	fatal(const char *, ...)
	    __attribute__((__format__ (printf, 1, 2), __noreturn__));
void	fatalx(const char *, ...)
	    __attribute__((__format__ (printf, 1, 2), __noreturn__));
/* Formats into a caller's error buffer; nothing if it is NULL or empty. */
void	seterr(char *, size_t, const char *, ...)
	    __attribute__((__format__ (printf, 3, 4)));

/* Tests replace the exit of fatal()/fatalx() to observe them in-process. */
extern void (*log_fatal_hook)(void);

#endif
