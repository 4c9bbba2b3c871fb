/*
 * SAN classification, as upstream's CA does it: a string that parses as
 * an IP address (Go net.ParseIP) is an IP SAN, one that parses as a URL
 * with a scheme (Go url.Parse) is a URI SAN (e.g. SPIFFE IDs), anything
 * else is a DNS SAN ("*" included).
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <string.h>

#include "manifest.h"

static int
is_scheme_char(char c, int first)
{
	if (isalpha((unsigned char)c))
		return 1;
	return !first && (isdigit((unsigned char)c) || c == '+' || c == '-' ||
	    c == '.');
}

/*
 * url.Parse succeeds with a scheme: [A-Za-z][A-Za-z0-9+.-]* ':' and no
 * control characters, spaces or broken %-escapes in the rest (which Go
 * would reject, making the SAN a DNS name).
 */
static int
has_url_scheme(const char *s)
{
	const char	*p;

	for (p = s; *p != '\0' && *p != ':'; p++)
		if (!is_scheme_char(*p, p == s))
			return 0;
	if (*p != ':' || p == s)
		return 0;
	for (p = s; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c <= 0x20 || c == 0x7f)
			return 0;
		if (c == '%' && (!isxdigit((unsigned char)p[1]) ||
		    !isxdigit((unsigned char)p[2])))
			return 0;
	}
	return 1;
}

enum manifest_san_kind
manifest_san_kind(const char *san, uint8_t ip[16], size_t *iplen)
{
	struct in_addr	 a4;
	struct in6_addr	 a6;
	static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };

	/* inet_pton, like Go, refuses zones, leading zeros and short forms. */
	if (inet_pton(AF_INET, san, &a4) == 1) {
		if (ip != NULL)
			memcpy(ip, &a4, 4);
		if (iplen != NULL)
			*iplen = 4;
		return MANIFEST_SAN_IP;
	}
	if (inet_pton(AF_INET6, san, &a6) == 1) {
		/* Go's x509 writes a v4-mapped address as 4 bytes. */
		if (memcmp(&a6, v4mapped, sizeof(v4mapped)) == 0) {
			if (ip != NULL)
				memcpy(ip, (uint8_t *)&a6 + 12, 4);
			if (iplen != NULL)
				*iplen = 4;
		} else {
			if (ip != NULL)
				memcpy(ip, &a6, 16);
			if (iplen != NULL)
				*iplen = 16;
		}
		return MANIFEST_SAN_IP;
	}
	if (iplen != NULL)
		*iplen = 0;
	if (has_url_scheme(san))
		return MANIFEST_SAN_URI;
	return MANIFEST_SAN_DNS;
}
