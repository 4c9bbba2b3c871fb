/*
 * Internals shared by the manifest_*.c files; not for other areas.
 */
#ifndef CONTRAST_MANIFEST_INT_H
#define CONTRAST_MANIFEST_INT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "manifest.h"

#define MANIFEST_PATH_LEN	160

/* Where parse errors (hard) and validation issues (soft) go. */
struct pctx {
	struct manifest_errors	*hard;
	struct manifest_errors	*soft;
};

void	 manifest_errors_add(struct manifest_errors *, const char *, int,
	    const char *, ...) __attribute__((__format__ (printf, 4, 5)));
/* base + "." + fmt (or base + fmt when fmt starts with "["). */
void	 manifest_path(char *, size_t, const char *, const char *, ...)
	    __attribute__((__format__ (printf, 4, 5)));
/* Go hex.DecodeString's checks and messages, without decoding. */
int	 manifest_hex_check(const char *, size_t, char *, size_t);
int	 manifest_check_rsa_pkcs1(const uint8_t *, size_t, char *, size_t);
int	 manifest_json_depth_ok(const json_t *, int);
/* Bounded, duplicate-rejecting, depth-limited load; errors name what. */
json_t	*manifest_load_json(const uint8_t *, size_t, size_t, const char *,
	    struct manifest_errors *);
void	 manifest_parse_refvals_into(struct pctx *, const json_t *,
	    const char *, struct refvals *, int *);

#endif
