/*
 * Gzip members (RFC 1952) made of stored deflate blocks (RFC 1951, BTYPE
 * 00): no compression, so no zlib dependency, and any gunzip reads them.
 * The initdata annotation only has to be valid gzip; its digest is taken
 * over the uncompressed TOML, so compression ratio does not matter.
 *
 * gzip_stored_decode() reads back exactly this subset (one member, stored
 * blocks only, no optional header fields): enough to check our own output
 * and existing annotations we wrote; anything else is refused.
 */
#ifndef CONTRAST_GZIP_H
#define CONTRAST_GZIP_H

#include <stddef.h>
#include <stdint.h>

#define GZIP_STORED_MAX_OUT	(64 * 1024 * 1024)

/* CRC-32 (IEEE 802.3, reflected 0xedb88320) as gzip uses it. */
uint32_t gzip_crc32(uint32_t, const uint8_t *, size_t);
/* Deterministic: MTIME 0, XFL 0, OS 255 (unknown). */
int	 gzip_store(const uint8_t *, size_t, uint8_t **, size_t *);
/* -1 with a message on anything but our stored-block subset. */
int	 gzip_stored_decode(const uint8_t *, size_t, size_t, uint8_t **,
	    size_t *, char *, size_t);

#endif
