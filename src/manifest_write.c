/*
 * JSON output byte-compatible with upstream's CLI, which writes with Go's
 * json.MarshalIndent(v, "", "  ") and appends a newline.
 *
 * jansson's own dumper differs from Go in small ways that change the
 * manifest hash (it escapes "/" only on request but never "<", ">", "&",
 * uses its own float format and puts no space policy on empty
 * containers), so we write the value ourselves:
 *	- objects: keys sorted bytewise (Go sorts map keys this way; for
 *	  struct-typed objects see doc/manifest.md), "key": value, 2-space
 *	  indent, empty object "{}", empty array "[]";
 *	- strings: \" \\ \n \r \t \b \f, other controls \u00xx, and the HTML
 *	  escapes \u003c \u003e \u0026 plus \u2028 \u2029; "/" as is;
 *	- numbers: integers in decimal; reals in Go's shortest form ('e'
 *	  notation below 1e-6 and from 1e21, exponent without leading 0).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"
#include "manifest_int.h"
#include "util.h"

#define WRITE_MAX_DEPTH	64
#define WRITE_MAX_SIZE	(64 * 1024 * 1024)

/* Length of the UTF-8 sequence at s (valid only), else 0. */
static size_t
utf8_len(const unsigned char *s, size_t left)
{
	size_t	 n, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		cp = s[0] & 0x07;
	} else
		return 0;
	if (n > left)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

static void
put_string(struct textbuf *b, const char *str, size_t len)
{
	static const char hexd[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	char		 e[8];
	size_t		 i, n;

	textbuf_add(b, "\"", 1);
	for (i = 0; i < len; i += n) {
		unsigned char c = s[i];

		n = 1;
		switch (c) {
		case '"':	textbuf_str(b, "\\\""); continue;
		case '\\':	textbuf_str(b, "\\\\"); continue;
		case '\n':	textbuf_str(b, "\\n"); continue;
		case '\r':	textbuf_str(b, "\\r"); continue;
		case '\t':	textbuf_str(b, "\\t"); continue;
		case '\b':	textbuf_str(b, "\\b"); continue;
		case '\f':	textbuf_str(b, "\\f"); continue;
		case '<':
		case '>':
		case '&':
			break;
		default:
			if (c >= 0x20 && c < 0x80) {
				textbuf_add(b, (const char *)&s[i], 1);
				continue;
			}
			break;
		}
		if (c < 0x80) {
			e[0] = '\\'; e[1] = 'u'; e[2] = '0'; e[3] = '0';
			e[4] = hexd[c >> 4];
			e[5] = hexd[c & 0xf];
			textbuf_add(b, e, 6);
			continue;
		}
		if ((n = utf8_len(&s[i], len - i)) == 0) {
			textbuf_str(b, "\\ufffd");	/* as Go does for bad UTF-8 */
			n = 1;
			continue;
		}
		if (n == 3 && c == 0xe2 && s[i + 1] == 0x80 &&
		    (s[i + 2] == 0xa8 || s[i + 2] == 0xa9)) {
			textbuf_str(b, s[i + 2] == 0xa8 ? "\\u2028" : "\\u2029");
			continue;
		}
		textbuf_add(b, (const char *)&s[i], n);
	}
	textbuf_add(b, "\"", 1);
}

/* strconv.AppendFloat(f, 'f' or 'e', -1, 64) as encoding/json uses it. */
static void
put_real(struct textbuf *b, double f)
{
	char	 t[40], digits[24], out[400];
	char	*ep;
	int	 prec, exp, nd, i, o = 0;
	double	 a = f < 0 ? -f : f;

	for (prec = 1; prec <= 17; prec++) {
		snprintf(t, sizeof(t), "%.*e", prec - 1, f);
		if (strtod(t, NULL) == f)
			break;
	}
	/* t is "-d.ddde+XX": collect digits and exponent. */
	nd = 0;
	for (ep = t; *ep != 'e'; ep++)
		if (*ep >= '0' && *ep <= '9')
			digits[nd++] = *ep;
	digits[nd] = '\0';
	exp = atoi(ep + 1);
	while (nd > 1 && digits[nd - 1] == '0')
		digits[--nd] = '\0';
	if (t[0] == '-')
		out[o++] = '-';
	if (a != 0 && (a < 1e-6 || a >= 1e21)) {
		out[o++] = digits[0];
		if (nd > 1) {
			out[o++] = '.';
			for (i = 1; i < nd; i++)
				out[o++] = digits[i];
		}
		/* Go prints e-7, e-10 and (here always >= 21) e+21. */
		o += snprintf(out + o, sizeof(out) - o, "e%c%d",
		    exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
	} else if (exp >= nd - 1) {
		for (i = 0; i < nd; i++)
			out[o++] = digits[i];
		for (i = 0; i < exp - nd + 1; i++)
			out[o++] = '0';
	} else if (exp >= 0) {
		for (i = 0; i < nd; i++) {
			out[o++] = digits[i];
			if (i == exp)
				out[o++] = '.';
		}
	} else {
		out[o++] = '0';
		out[o++] = '.';
		for (i = 0; i < -exp - 1; i++)
			out[o++] = '0';
		for (i = 0; i < nd; i++)
			out[o++] = digits[i];
	}
	textbuf_add(b, out, (size_t)o);
}

static int
key_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void
put_value(struct textbuf *b, const json_t *v, int depth)
{
	const char	**keys, *k;
	json_t		 *e;
	char		  num[32];
	size_t		  i, n;

	if (depth > WRITE_MAX_DEPTH) {
		b->failed = 1;
		return;
	}
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		if ((n = json_object_size(v)) == 0) {
			textbuf_str(b, "{}");
			return;
		}
		if ((keys = calloc(n, sizeof(*keys))) == NULL) {
			b->failed = 1;
			return;
		}
		i = 0;
		json_object_foreach((json_t *)v, k, e)
			keys[i++] = k;
		qsort(keys, n, sizeof(*keys), key_cmp);
		textbuf_str(b, "{\n");
		for (i = 0; i < n; i++) {
			textbuf_spaces(b, (size_t)(2 * (depth + 1)));
			put_string(b, keys[i], strlen(keys[i]));
			textbuf_str(b, ": ");
			put_value(b, json_object_get(v, keys[i]), depth + 1);
			textbuf_str(b, i + 1 < n ? ",\n" : "\n");
		}
		free(keys);
		textbuf_spaces(b, (size_t)(2 * depth));
		textbuf_str(b, "}");
		return;
	case JSON_ARRAY:
		if ((n = json_array_size(v)) == 0) {
			textbuf_str(b, "[]");
			return;
		}
		textbuf_str(b, "[\n");
		for (i = 0; i < n; i++) {
			textbuf_spaces(b, (size_t)(2 * (depth + 1)));
			put_value(b, json_array_get(v, i), depth + 1);
			textbuf_str(b, i + 1 < n ? ",\n" : "\n");
		}
		textbuf_spaces(b, (size_t)(2 * depth));
		textbuf_str(b, "]");
		return;
	case JSON_STRING:
		put_string(b, json_string_value(v), json_string_length(v));
		return;
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		textbuf_str(b, num);
		return;
	case JSON_REAL:
		put_real(b, json_real_value(v));
		return;
	case JSON_TRUE:
		textbuf_str(b, "true");
		return;
	case JSON_FALSE:
		textbuf_str(b, "false");
		return;
	default:
		textbuf_str(b, "null");
		return;
	}
}

int
manifest_write(const json_t *v, char **out, size_t *outlen, char *err,
    size_t errlen)
{
	struct textbuf	 b = { NULL, 0, 0, WRITE_MAX_SIZE, 0 };

	*out = NULL;
	*outlen = 0;
	if (v == NULL) {
		snprintf(err, errlen, "nothing to write");
		return -1;
	}
	put_value(&b, v, 0);
	textbuf_add(&b, "\n", 1);
	if (b.failed) {
		free(b.p);
		snprintf(err, errlen, "cannot serialize JSON (out of memory, "
		    "deeper than %d or larger than %d bytes)", WRITE_MAX_DEPTH,
		    WRITE_MAX_SIZE);
		return -1;
	}
	*out = b.p;
	*outlen = b.len;
	return 0;
}
