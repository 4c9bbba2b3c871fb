/*
 * seed-shares.json (contrast.md 3.4): Go's encoding/json of the protobuf
 * SeedShareDocument, i.e.
 *	{"SeedShares": [{"PublicKey": "<hex PKCS#1>",
 *	    "EncryptedSeed": "<base64>"}], "salt": "<base64>"}
 * Only the document format lives here; encryption is the CA's.  Nothing
 * in it is secret (the seed is RSA-OAEP encrypted), but it is untrusted
 * input to `contrast recover`, so it is parsed strictly.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"
#include "manifest_int.h"

#define SEEDSHARES_MAX_SHARES	1024
#define SEEDSHARES_MAX_FIELD	4096	/* decoded bytes (RSA-8192: 1024) */

static const char b64chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int
b64val(char c)
{
	const char	*p;

	if (c == '\0' || (p = strchr(b64chars, c)) == NULL)
		return -1;
	return (int)(p - b64chars);
}

/* Strict standard base64 with padding (Go's base64.StdEncoding). */
static int
b64_decode(const char *s, size_t len, uint8_t **out, size_t *outlen)
{
	uint8_t	*o;
	size_t	 i, n = 0, pad = 0;
	int	 v[4], k;

	*out = NULL;
	*outlen = 0;
	if (len % 4 != 0 || len / 4 * 3 > SEEDSHARES_MAX_FIELD)
		return -1;
	if (len == 0)
		return 0;
	if (s[len - 1] == '=')
		pad++;
	if (s[len - 2] == '=')
		pad++;
	if ((o = malloc(len / 4 * 3)) == NULL)
		return -1;
	for (i = 0; i < len; i += 4) {
		for (k = 0; k < 4; k++) {
			if (i + k >= len - pad) {
				v[k] = 0;
				continue;
			}
			if ((v[k] = b64val(s[i + k])) == -1) {
				free(o);
				return -1;
			}
		}
		o[n++] = (uint8_t)(v[0] << 2 | v[1] >> 4);
		o[n++] = (uint8_t)(v[1] << 4 | v[2] >> 2);
		o[n++] = (uint8_t)(v[2] << 6 | v[3]);
	}
	/* Go rejects non-zero bits hidden in the padding. */
	if ((pad == 1 && (v[2] & 0x3) != 0) || (pad == 2 && (v[1] & 0xf) != 0)) {
		free(o);
		return -1;
	}
	*out = o;
	*outlen = n - pad;
	return 0;
}

static char *
b64_encode(const uint8_t *in, size_t len)
{
	char	*o;
	size_t	 i, n = 0;
	uint32_t v;

	if ((o = malloc((len + 2) / 3 * 4 + 1)) == NULL)
		return NULL;
	for (i = 0; i + 2 < len; i += 3) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		o[n++] = b64chars[v >> 18 & 63];
		o[n++] = b64chars[v >> 12 & 63];
		o[n++] = b64chars[v >> 6 & 63];
		o[n++] = b64chars[v & 63];
	}
	if (len - i == 1) {
		v = (uint32_t)in[i] << 16;
		o[n++] = b64chars[v >> 18 & 63];
		o[n++] = b64chars[v >> 12 & 63];
		o[n++] = '=';
		o[n++] = '=';
	} else if (len - i == 2) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		o[n++] = b64chars[v >> 18 & 63];
		o[n++] = b64chars[v >> 12 & 63];
		o[n++] = b64chars[v >> 6 & 63];
		o[n++] = '=';
	}
	o[n] = '\0';
	return o;
}

void
manifest_seedshares_free(struct manifest_seedshares *d)
{
	size_t	 i;

	if (d == NULL)
		return;
	for (i = 0; i < d->n_shares; i++) {
		free(d->shares[i].public_key_hex);
		free(d->shares[i].encrypted_seed);
	}
	free(d->shares);
	free(d->salt);
	memset(d, 0, sizeof(*d));
}

/* Only these members, each a string (null allowed as in Go). */
static int
only_fields(const json_t *o, const char *a, const char *b, char *err,
    size_t errlen, const char *where)
{
	const char	*k;
	json_t		*v;

	json_object_foreach((json_t *)o, k, v) {
		if (strcmp(k, a) != 0 && strcmp(k, b) != 0) {
			snprintf(err, errlen, "seed shares: %s: unknown field "
			    "\"%.64s\"", where, k);
			return -1;
		}
	}
	return 0;
}

static int
get_b64(const json_t *o, const char *key, uint8_t **out, size_t *outlen,
    char *err, size_t errlen, const char *where)
{
	const json_t	*v = json_object_get(o, key);

	*out = NULL;
	*outlen = 0;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v) || b64_decode(json_string_value(v),
	    json_string_length(v), out, outlen) == -1) {
		snprintf(err, errlen, "seed shares: %s.%s: not base64 (or "
		    "longer than %d bytes)", where, key, SEEDSHARES_MAX_FIELD);
		return -1;
	}
	return 0;
}

int
manifest_seedshares_parse(const uint8_t *buf, size_t len,
    struct manifest_seedshares *d, char *err, size_t errlen)
{
	struct manifest_errors	 errs;
	json_t			*doc;
	const json_t		*arr, *e, *pk;
	char			 where[48], msg[96];
	size_t			 i;

	memset(d, 0, sizeof(*d));
	manifest_errors_init(&errs);
	if ((doc = manifest_load_json(buf, len, MANIFEST_SEEDSHARES_MAX_SIZE,
	    "seed shares", &errs)) == NULL) {
		manifest_errors_format(&errs, err, errlen);
		return -1;
	}
	if (!json_is_object(doc)) {
		snprintf(err, errlen, "seed shares: expected an object");
		goto fail;
	}
	if (only_fields(doc, "SeedShares", "salt", err, errlen, "document")
	    == -1)
		goto fail;
	if (get_b64(doc, "salt", &d->salt, &d->salt_len, err, errlen,
	    "document") == -1)
		goto fail;
	arr = json_object_get(doc, "SeedShares");
	if (arr == NULL || json_is_null(arr))
		goto done;
	if (!json_is_array(arr) || json_array_size(arr) > SEEDSHARES_MAX_SHARES) {
		snprintf(err, errlen, "seed shares: SeedShares: expected an "
		    "array of at most %d shares", SEEDSHARES_MAX_SHARES);
		goto fail;
	}
	if (json_array_size(arr) > 0 && (d->shares = calloc(
	    json_array_size(arr), sizeof(*d->shares))) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	for (i = 0; i < json_array_size(arr); i++) {
		struct manifest_seedshare *s = &d->shares[i];

		snprintf(where, sizeof(where), "SeedShares[%zu]", i);
		e = json_array_get(arr, i);
		d->n_shares++;
		if (!json_is_object(e)) {
			snprintf(err, errlen, "seed shares: %s: expected an "
			    "object", where);
			goto fail;
		}
		if (only_fields(e, "PublicKey", "EncryptedSeed", err, errlen,
		    where) == -1)
			goto fail;
		pk = json_object_get(e, "PublicKey");
		if (!json_is_string(pk) || json_string_length(pk) == 0 ||
		    json_string_length(pk) > 2 * SEEDSHARES_MAX_FIELD ||
		    manifest_hex_check(json_string_value(pk),
		    json_string_length(pk), msg, sizeof(msg)) == -1) {
			snprintf(err, errlen, "seed shares: %s.PublicKey: "
			    "expected a hex string", where);
			goto fail;
		}
		if ((s->public_key_hex = strdup(json_string_value(pk)))
		    == NULL) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
		if (get_b64(e, "EncryptedSeed", &s->encrypted_seed,
		    &s->encrypted_seed_len, err, errlen, where) == -1)
			goto fail;
		if (s->encrypted_seed_len == 0) {
			snprintf(err, errlen, "seed shares: %s.EncryptedSeed: "
			    "missing", where);
			goto fail;
		}
	}
 done:
	json_decref(doc);
	return 0;
 fail:
	json_decref(doc);
	manifest_seedshares_free(d);
	return -1;
}

int
manifest_seedshares_write(const struct manifest_seedshares *d, char **out,
    size_t *outlen, char *err, size_t errlen)
{
	json_t	*doc, *arr = NULL, *e;
	char	*b;
	size_t	 i;
	int	 rc = -1;

	*out = NULL;
	if ((doc = json_object()) == NULL)
		goto oom;
	/* Go's omitempty: empty fields are left out. */
	if (d->n_shares > 0) {
		if ((arr = json_array()) == NULL ||
		    json_object_set_new(doc, "SeedShares", arr) == -1)
			goto oom;
		for (i = 0; i < d->n_shares; i++) {
			if ((e = json_object()) == NULL ||
			    json_array_append_new(arr, e) == -1)
				goto oom;
			if (d->shares[i].public_key_hex != NULL &&
			    d->shares[i].public_key_hex[0] != '\0' &&
			    json_object_set_new(e, "PublicKey", json_string(
			    d->shares[i].public_key_hex)) == -1)
				goto oom;
			if (d->shares[i].encrypted_seed_len > 0) {
				if ((b = b64_encode(d->shares[i].encrypted_seed,
				    d->shares[i].encrypted_seed_len)) == NULL)
					goto oom;
				if (json_object_set_new(e, "EncryptedSeed",
				    json_string(b)) == -1) {
					free(b);
					goto oom;
				}
				free(b);
			}
		}
	}
	if (d->salt_len > 0) {
		if ((b = b64_encode(d->salt, d->salt_len)) == NULL)
			goto oom;
		if (json_object_set_new(doc, "salt", json_string(b)) == -1) {
			free(b);
			goto oom;
		}
		free(b);
	}
	/* Sorted keys ("SeedShares" < "salt") equal Go's field order here. */
	rc = manifest_write(doc, out, outlen, err, errlen);
	json_decref(doc);
	return rc;
 oom:
	json_decref(doc);
	snprintf(err, errlen, "out of memory");
	return -1;
}
