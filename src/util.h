/*
 * Small helpers shared by every program: hex, bounded file reads and
 * atomic file writes.  All return 0 on success and -1 with errno or an
 * error string set, never exit: callers decide how to fail.
 */
#ifndef CONTRAST_UTIL_H
#define CONTRAST_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Lowercase hex of len bytes into out (2*len+1 bytes). */
void	 hex_encode(const uint8_t *, size_t, char *);
/* Decode exactly outlen bytes from a hex string of length 2*outlen;
 * case-insensitive.  -1 on bad length or character. */
int	 hex_decode(const char *, size_t, uint8_t *, size_t);
/* Decode a hex string of any even length into a fresh buffer. */
int	 hex_decode_alloc(const char *, size_t, uint8_t **, size_t *);

/*
 * Read a whole file, refusing files larger than max bytes before
 * allocating.  The buffer is NUL-terminated (not counted in *lenp).
 * On error returns -1 and writes a message naming the file to err.
 */
int	 file_read(const char *, size_t, uint8_t **, size_t *, char *, size_t);

/*
 * Write a file atomically: temp file in the same directory, fsync,
 * rename, fsync of the directory.  mode applies to the new file.
 */
int	 file_write_atomic(const char *, const void *, size_t, int, char *,
	    size_t);

/*
 * "<what>: <OpenSSL's first queued error>" (or just what) into err, and
 * the OpenSSL error queue cleared: one place for every module's errors.
 */
void	 ossl_error(char *, size_t, const char *);

/*
 * A growing text buffer, always NUL-terminated, for public text only
 * (JSON, YAML): it reallocs, so never put secrets in it.  Errors stick:
 * after an allocation failure or passing max (0: no limit beyond
 * SIZE_MAX / 2) every add is ignored and failed stays set.
 */
struct textbuf {
	char	*p;
	size_t	 len;
	size_t	 cap;
	size_t	 max;
	int	 failed;
};

void	 textbuf_add(struct textbuf *, const char *, size_t);
void	 textbuf_str(struct textbuf *, const char *);
void	 textbuf_spaces(struct textbuf *, size_t);
/* The text (caller frees; "" if empty) and its length; NULL if failed. */
char	*textbuf_take(struct textbuf *, size_t *);

/* Zero and free; safe on NULL. */
void	 freezero_buf(void *, size_t);

#endif
