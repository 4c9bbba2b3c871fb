/*
 * A small TAP producer for the unit tests (automake's tap-driver reads it).
 * Header-only so that each test program stays one file.
 */
#ifndef TESTS_TAP_H
#define TESTS_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_n, tap_failed;

static void __attribute__((__format__ (printf, 2, 3), __unused__))
tap_ok(int cond, const char *fmt, ...)
{
	va_list	 ap;

	tap_n++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

#define ok(cond, ...)	tap_ok(!!(cond), __VA_ARGS__)
#define is_int(a, b, ...) do {						\
	long long tap_a = (long long)(a), tap_b = (long long)(b);	\
	tap_ok(tap_a == tap_b, __VA_ARGS__);				\
	if (tap_a != tap_b)						\
		printf("# got %lld, expected %lld\n", tap_a, tap_b);	\
} while (0)
#define is_str(a, b, ...) do {						\
	const char *tap_a = (a), *tap_b = (b);				\
	int tap_c = tap_a != NULL && tap_b != NULL &&			\
	    strcmp(tap_a, tap_b) == 0;					\
	tap_ok(tap_c, __VA_ARGS__);					\
	if (!tap_c)							\
		printf("# got '%s', expected '%s'\n",			\
		    tap_a ? tap_a : "(null)", tap_b ? tap_b : "(null)");\
} while (0)

static void __attribute__((__format__ (printf, 1, 2), __unused__))
tap_diag(const char *fmt, ...)
{
	va_list	 ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* Skip the rest of a program (e.g. ../shared is absent) with a reason. */
static void __attribute__((__noreturn__, __unused__))
tap_skip_all(const char *why)
{
	printf("1..0 # SKIP %s\n", why);
	exit(0);
}

static void __attribute__((__unused__))
tap_skip(int n, const char *why)
{
	while (n-- > 0)
		printf("ok %d # SKIP %s\n", ++tap_n, why);
}

static int __attribute__((__unused__))
tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

/* Directory of ../shared, or NULL (the caller skips with a clear message). */
static __attribute__((__unused__)) const char *
tap_shared_dir(void)
{
	const char	*d = getenv("SHARED_DIR");
	FILE		*f;
	char		 p[4096];

	if (d == NULL)
		return NULL;
	snprintf(p, sizeof(p), "%s/ARCHITECTURE.md", d);
	if ((f = fopen(p, "r")) == NULL)
		return NULL;
	fclose(f);
	return d;
}

#endif
