/*
 * Stored-block gzip writer and reader (see gzip.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gzip.h"
#include "log.h"

#define GZ_BLOCK_MAX	65535	/* LEN is 16 bits */
#define GZ_HDR_LEN	10
#define GZ_TRAILER_LEN	8

uint32_t
gzip_crc32(uint32_t crc, const uint8_t *p, size_t n)
{
	static uint32_t	 table[256];
	static int	 ready;
	uint32_t	 c;
	size_t		 i;
	int		 k;

	if (!ready) {
		for (i = 0; i < 256; i++) {
			c = (uint32_t)i;
			for (k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320U ^ (c >> 1) : c >> 1;
			table[i] = c;
		}
		ready = 1;
	}
	crc = ~crc;
	for (i = 0; i < n; i++)
		crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static void
put32le(uint8_t *p, uint32_t v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
	p[2] = (v >> 16) & 0xff;
	p[3] = (v >> 24) & 0xff;
}

static uint32_t
get32le(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

int
gzip_store(const uint8_t *in, size_t len, uint8_t **out, size_t *outlen)
{
	static const uint8_t hdr[GZ_HDR_LEN] = {
		0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff
	};
	size_t	 nblocks, total, off = 0, o, n;
	uint8_t	*p;

	*out = NULL;
	nblocks = len == 0 ? 1 : (len + GZ_BLOCK_MAX - 1) / GZ_BLOCK_MAX;
	if (len > SIZE_MAX / 2 || nblocks > (SIZE_MAX / 2 - len) / 5)
		return -1;
	total = GZ_HDR_LEN + nblocks * 5 + len + GZ_TRAILER_LEN;
	if ((p = malloc(total)) == NULL)
		return -1;
	memcpy(p, hdr, GZ_HDR_LEN);
	o = GZ_HDR_LEN;
	do {
		n = len - off > GZ_BLOCK_MAX ? GZ_BLOCK_MAX : len - off;
		/* BFINAL on the last block, BTYPE 00, byte-aligned. */
		p[o++] = off + n == len ? 1 : 0;
		p[o++] = n & 0xff;
		p[o++] = n >> 8;
		p[o++] = ~n & 0xff;
		p[o++] = (~n >> 8) & 0xff;
		if (n > 0)
			memcpy(p + o, in + off, n);
		o += n;
		off += n;
	} while (off < len);
	put32le(p + o, gzip_crc32(0, in, len));
	put32le(p + o + 4, (uint32_t)len);
	o += GZ_TRAILER_LEN;
	*out = p;
	*outlen = o;
	return 0;
}

int
gzip_stored_decode(const uint8_t *in, size_t len, size_t max, uint8_t **out,
    size_t *outlen, char *err, size_t errlen)
{
	uint8_t	*p = NULL;
	size_t	 o = 0, n, total = 0, pass;
	int	 final = 0;

	*out = NULL;
	if (max > GZIP_STORED_MAX_OUT)
		max = GZIP_STORED_MAX_OUT;
	if (len < GZ_HDR_LEN + 5 + GZ_TRAILER_LEN || in[0] != 0x1f ||
	    in[1] != 0x8b || in[2] != 8) {
		seterr(err, errlen, "not a gzip member");
		return -1;
	}
	if (in[3] != 0) {
		seterr(err, errlen, "gzip header flags 0x%02x not supported",
		    in[3]);
		return -1;
	}
	/* Two passes: validate and size, then copy. */
	for (pass = 0; pass < 2; pass++) {
		o = GZ_HDR_LEN;
		final = 0;
		total = 0;
		while (!final) {
			if (len - o < 5 + GZ_TRAILER_LEN) {
				seterr(err, errlen, "truncated at byte %zu", o);
				goto fail;
			}
			if ((in[o] & ~1) != 0) {
				seterr(err, errlen, "byte %zu: only stored "
				    "deflate blocks are supported", o);
				goto fail;
			}
			final = in[o] & 1;
			n = in[o + 1] | (size_t)in[o + 2] << 8;
			if ((in[o + 3] | (size_t)in[o + 4] << 8) !=
			    (~n & 0xffff)) {
				seterr(err, errlen, "byte %zu: bad block "
				    "length check", o);
				goto fail;
			}
			o += 5;
			if (n > len - o - GZ_TRAILER_LEN) {
				seterr(err, errlen, "block at byte %zu "
				    "overruns the input", o - 5);
				goto fail;
			}
			if (n > max - total) {
				seterr(err, errlen, "more than %zu bytes", max);
				goto fail;
			}
			if (pass == 1 && n > 0)
				memcpy(p + total, in + o, n);
			o += n;
			total += n;
		}
		if (len - o != GZ_TRAILER_LEN) {
			seterr(err, errlen, "%zu trailing bytes",
			    len - o - GZ_TRAILER_LEN);
			goto fail;
		}
		if (pass == 0 && (p = malloc(total + 1)) == NULL) {
			seterr(err, errlen, "out of memory");
			return -1;
		}
	}
	if (get32le(in + o) != gzip_crc32(0, p, total) ||
	    get32le(in + o + 4) != (uint32_t)total) {
		seterr(err, errlen, "CRC or size mismatch");
		goto fail;
	}
	p[total] = '\0';
	*out = p;
	*outlen = total;
	return 0;
 fail:
	free(p);
	return -1;
}
