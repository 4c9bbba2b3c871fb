#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>

#include "util.h"

void
hex_encode(const uint8_t *in, size_t len, char *out)
{
	static const char	 digits[] = "0123456789abcdef";
	size_t			 i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0xf];
	}
	out[2 * len] = '\0';
}

static int
hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
hex_decode(const char *in, size_t inlen, uint8_t *out, size_t outlen)
{
	size_t	 i;
	int	 hi, lo;

	if (inlen != 2 * outlen)
		return -1;
	for (i = 0; i < outlen; i++) {
		if ((hi = hex_nibble(in[2 * i])) == -1 ||
		    (lo = hex_nibble(in[2 * i + 1])) == -1)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int
hex_decode_alloc(const char *in, size_t inlen, uint8_t **outp, size_t *lenp)
{
	uint8_t	*out;

	if (inlen % 2 != 0)
		return -1;
	if ((out = malloc(inlen / 2 + 1)) == NULL)
		return -1;
	if (hex_decode(in, inlen, out, inlen / 2) == -1) {
		free(out);
		return -1;
	}
	*outp = out;
	*lenp = inlen / 2;
	return 0;
}

int
file_read(const char *path, size_t max, uint8_t **bufp, size_t *lenp,
    char *err, size_t errlen)
{
	struct stat	 st;
	uint8_t		*buf = NULL;
	size_t		 len = 0, cap;
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: is a directory", path);
		goto fail;
	}
	if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > max) {
		snprintf(err, errlen, "%s: larger than %zu bytes", path, max);
		goto fail;
	}
	/* Pipes and stdin have no size: grow, but never past max. */
	cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : 65536;
	if (cap > max + 1)
		cap = max + 1;
	if ((buf = malloc(cap)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	for (;;) {
		if (len + 1 >= cap) {
			uint8_t	*nb;

			if (cap >= max + 1) {
				uint8_t	 probe;

				/* Full at the cap: fine only if at EOF. */
				do
					n = read(fd, &probe, 1);
				while (n == -1 && errno == EINTR);
				if (n == 0)
					break;
				snprintf(err, errlen,
				    "%s: larger than %zu bytes", path, max);
				goto fail;
			}
			cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			if ((nb = realloc(buf, cap)) == NULL) {
				snprintf(err, errlen, "%s: out of memory",
				    path);
				goto fail;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	return 0;
 fail:
	free(buf);
	close(fd);
	return -1;
}

int
file_write_atomic(const char *path, const void *data, size_t len, int mode,
    char *err, size_t errlen)
{
	char		 tmp[PATH_MAX], dir[PATH_MAX];
	const uint8_t	*p = data;
	const char	*slash;
	size_t		 off = 0;
	ssize_t		 n;
	int		 fd, dfd;

	if (snprintf(tmp, sizeof(tmp), "%s.tmpXXXXXX", path) >=
	    (int)sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	if ((fd = mkstemp(tmp)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fchmod(fd, (mode_t)mode) == -1)
		goto fail;
	while (off < len) {
		n = write(fd, p + off, len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			goto fail;
		off += (size_t)n;
	}
	if (fsync(fd) == -1)
		goto fail;
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) == -1)
		goto fail;
	/* The rename is durable only once the directory is synced. */
	if ((slash = strrchr(path, '/')) == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		(void)fsync(dfd);
		close(dfd);
	}
	return 0;
 fail:
	snprintf(err, errlen, "%s: %s", path, strerror(errno));
	if (fd != -1)
		close(fd);
	unlink(tmp);
	return -1;
}

void
ossl_error(char *err, size_t errlen, const char *what)
{
	unsigned long	 e = ERR_get_error();
	char		 buf[200];

	if (e != 0) {
		ERR_error_string_n(e, buf, sizeof(buf));
		snprintf(err, errlen, "%s: %s", what, buf);
	} else
		snprintf(err, errlen, "%s", what);
	ERR_clear_error();
}

void
textbuf_add(struct textbuf *b, const char *s, size_t n)
{
	char	*np;
	size_t	 ncap, max = b->max != 0 ? b->max : SIZE_MAX / 2;

	if (b->failed)
		return;
	if (b->len > max || n > max - b->len) {
		b->failed = 1;
		return;
	}
	if (b->len + n + 1 > b->cap) {
		ncap = b->cap ? b->cap : 256;
		while (ncap < b->len + n + 1)
			ncap *= 2;
		if ((np = realloc(b->p, ncap)) == NULL) {
			b->failed = 1;
			return;
		}
		b->p = np;
		b->cap = ncap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
textbuf_str(struct textbuf *b, const char *s)
{
	textbuf_add(b, s, strlen(s));
}

void
textbuf_spaces(struct textbuf *b, size_t n)
{
	static const char sp[] = "                                ";
	size_t		  k;

	while (n > 0) {
		k = n < sizeof(sp) - 1 ? n : sizeof(sp) - 1;
		textbuf_add(b, sp, k);
		n -= k;
	}
}

char *
textbuf_take(struct textbuf *b, size_t *lenp)
{
	char	*p;

	if (b->p == NULL)
		textbuf_add(b, "", 0);
	if (b->failed) {
		free(b->p);
		b->p = NULL;
		b->len = b->cap = 0;
		return NULL;
	}
	p = b->p;
	if (lenp != NULL)
		*lenp = b->len;
	b->p = NULL;
	b->len = b->cap = 0;
	return p;
}

void
freezero_buf(void *p, size_t len)
{
	if (p == NULL)
		return;
	OPENSSL_cleanse(p, len);
	free(p);
}
