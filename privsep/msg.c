/*
 * Frame validation, msgpack decoding with typed getters, and encoding
 * into fixed buffers.  Nothing here exits on its own: in fatal mode (a
 * msg that ipc_dispatch() prepared for an internal peer) the error path
 * ends in fatalx(), otherwise errors are returned with a message.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "msg.h"

static const char *
msg_objtype(const msgpack_object *o)
{
	switch (o->type) {
	case MSGPACK_OBJECT_NIL:
		return "nil";
	case MSGPACK_OBJECT_BOOLEAN:
		return "bool";
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
		return "uint";
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
		return "negative int";
	case MSGPACK_OBJECT_FLOAT32:
	case MSGPACK_OBJECT_FLOAT64:
		return "float";
	case MSGPACK_OBJECT_STR:
		return "str";
	case MSGPACK_OBJECT_ARRAY:
		return "array";
	case MSGPACK_OBJECT_MAP:
		return "map";
	case MSGPACK_OBJECT_BIN:
		return "bin";
	case MSGPACK_OBJECT_EXT:
		return "ext";
	}
	return "?";
}

static uint32_t
get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

int
msg_frame_len(const uint8_t *hdr, size_t max, size_t *len, char *err,
    size_t errlen)
{
	uint32_t	 n = get_be32(hdr);

	if (n == 0) {
		seterr(err, errlen, "frame length 0");
		return -1;
	}
	if (n > max) {
		seterr(err, errlen, "frame length %u over the limit of %zu",
		    n, max);
		return -1;
	}
	*len = n;
	return 0;
}

/*
 * Bounds for msgpack-c.  `need' counts every element still promised by
 * the open containers (a map entry is two); each needs at least one byte,
 * so need <= bytes left bounds the objects msgpack-c will allocate by the
 * frame length, even for nested containers that each look plausible on
 * their own.
 */
int
msg_prescan(const uint8_t *buf, size_t len, int maxdepth, char *err,
    size_t errlen)
{
	uint64_t	 stack[MSG_MAXDEPTH + 2];
	uint64_t	 need, n;
	size_t		 pos = 0, hdr, left;
	int		 sp = 0, container;
	uint8_t		 b;

	if (maxdepth < 0 || maxdepth > MSG_MAXDEPTH)
		maxdepth = MSG_MAXDEPTH;
	if (len == 0) {
		seterr(err, errlen, "empty frame");
		return -1;
	}
	stack[0] = 1;		/* the single top-level object */
	need = 1;
	while (sp >= 0) {
		if (stack[sp] == 0) {
			sp--;
			continue;
		}
		if (pos >= len) {
			seterr(err, errlen, "truncated at offset %zu: %llu "
			    "more objects declared", pos,
			    (unsigned long long)need);
			return -1;
		}
		stack[sp]--;
		need--;
		b = buf[pos];
		hdr = 1;
		n = 0;
		container = 0;
		if (b <= 0x7f || b >= 0xe0 || b == 0xc0 || b == 0xc2 ||
		    b == 0xc3) {
			/* fixint, nil, bool: the byte is the object */
		} else if (b >= 0x80 && b <= 0x8f) {
			n = 2 * (uint64_t)(b & 0x0f);
			container = 1;
		} else if (b >= 0x90 && b <= 0x9f) {
			n = b & 0x0f;
			container = 1;
		} else if (b >= 0xa0 && b <= 0xbf) {
			n = b & 0x1f;
		} else {
			switch (b) {
			case 0xcc: case 0xd0:
				n = 1;
				break;
			case 0xcd: case 0xd1:
				n = 2;
				break;
			case 0xca: case 0xce: case 0xd2:
				n = 4;
				break;
			case 0xcb: case 0xcf: case 0xd3:
				n = 8;
				break;
			case 0xc4: case 0xd9:		/* bin8, str8 */
				hdr = 2;
				break;
			case 0xc5: case 0xda:		/* bin16, str16 */
			case 0xdc: case 0xde:		/* array16, map16 */
				hdr = 3;
				break;
			case 0xc6: case 0xdb:		/* bin32, str32 */
			case 0xdd: case 0xdf:		/* array32, map32 */
				hdr = 5;
				break;
			case 0xc7: case 0xc8: case 0xc9:
			case 0xd4: case 0xd5: case 0xd6: case 0xd7: case 0xd8:
				seterr(err, errlen, "ext type 0x%02x at offset "
				    "%zu not allowed", b, pos);
				return -1;
			default:
				seterr(err, errlen, "reserved byte 0x%02x at "
				    "offset %zu", b, pos);
				return -1;
			}
			if (hdr > len - pos) {
				seterr(err, errlen, "header of 0x%02x at offset "
				    "%zu truncated", b, pos);
				return -1;
			}
			if (hdr == 2)
				n = buf[pos + 1];
			else if (hdr == 3)
				n = (uint64_t)buf[pos + 1] << 8 | buf[pos + 2];
			else if (hdr == 5)
				n = get_be32(buf + pos + 1);
			if (b == 0xdc || b == 0xdd) {
				container = 1;
			} else if (b == 0xde || b == 0xdf) {
				n *= 2;
				container = 1;
			}
		}
		left = len - pos - hdr;
		if (!container) {
			/* n is the payload length of a scalar */
			if (n > left) {
				seterr(err, errlen, "object 0x%02x at offset %zu "
				    "declares %llu bytes, %zu left", b, pos,
				    (unsigned long long)n, left);
				return -1;
			}
			pos += hdr + (size_t)n;
			continue;
		}
		if (sp + 1 > maxdepth) {
			seterr(err, errlen, "nesting deeper than %d at offset "
			    "%zu", maxdepth, pos);
			return -1;
		}
		need += n;
		if (need > left) {
			seterr(err, errlen, "container at offset %zu declares "
			    "%llu elements (%llu pending in all), %zu bytes "
			    "left", pos, (unsigned long long)n,
			    (unsigned long long)need, left);
			return -1;
		}
		stack[++sp] = n;
		pos += hdr;
	}
	if (pos != len) {
		seterr(err, errlen, "%zu trailing bytes at offset %zu",
		    len - pos, pos);
		return -1;
	}
	return 0;
}

void
msg_clear(struct msg *m)
{
	if (m->decoded) {
		msgpack_unpacked_destroy(&m->unpacked);
		m->decoded = 0;
	}
	m->body = NULL;
	m->nfields = 0;
	m->pos = 0;
}

const char *
msg_errstr(const struct msg *m)
{
	return m->err;
}

static int
decode_fail(struct msg *m, char *err, size_t errlen)
{
	msg_clear(m);
	seterr(err, errlen, "%s", m->err);
	return -1;
}

int
msg_decode(struct msg *m, const struct msg_typeinfo *tab, size_t ntab,
    const uint8_t *frame, size_t len, char *err, size_t errlen)
{
	const msgpack_object	*root, *o;
	const struct msg_typeinfo *ti;
	msgpack_unpack_return	 r;
	size_t			 off = 0;
	char			 why[MSG_ERRLEN];

	memset(m, 0, sizeof(*m));
	m->fd = -1;
	m->peer = -1;
	m->len = len;
	if (msg_prescan(frame, len, MSG_MAXDEPTH, why, sizeof(why)) == -1) {
		snprintf(m->err, sizeof(m->err), "%s", why);
		return decode_fail(m, err, errlen);
	}
	msgpack_unpacked_init(&m->unpacked);
	m->decoded = 1;
	r = msgpack_unpack_next(&m->unpacked, (const char *)frame, len, &off);
	if (r != MSGPACK_UNPACK_SUCCESS) {
		/* NOMEM (depth, zone) is as much a violation as a parse error */
		snprintf(m->err, sizeof(m->err), "msgpack: %s",
		    r == MSGPACK_UNPACK_NOMEM_ERROR ? "out of memory" :
		    r == MSGPACK_UNPACK_CONTINUE ? "incomplete object" :
		    "parse error");
		return decode_fail(m, err, errlen);
	}
	if (off != len) {
		snprintf(m->err, sizeof(m->err), "%zu trailing bytes",
		    len - off);
		return decode_fail(m, err, errlen);
	}
	root = &m->unpacked.data;
	if (root->type != MSGPACK_OBJECT_ARRAY) {
		snprintf(m->err, sizeof(m->err), "envelope is %s, not array",
		    msg_objtype(root));
		return decode_fail(m, err, errlen);
	}
	if (root->via.array.size != 4) {
		snprintf(m->err, sizeof(m->err), "wrong envelope arity (got %u, "
		    "want 4)", root->via.array.size);
		return decode_fail(m, err, errlen);
	}
	o = root->via.array.ptr;
	if (o[0].type != MSGPACK_OBJECT_POSITIVE_INTEGER ||
	    o[0].via.u64 > UINT32_MAX) {
		snprintf(m->err, sizeof(m->err), "message type is not a u32");
		return decode_fail(m, err, errlen);
	}
	m->type = (uint32_t)o[0].via.u64;
	if (o[1].type != MSGPACK_OBJECT_POSITIVE_INTEGER ||
	    o[1].via.u64 > UINT32_MAX) {
		snprintf(m->err, sizeof(m->err), "reqid is not a u32");
		return decode_fail(m, err, errlen);
	}
	m->reqid = (uint32_t)o[1].via.u64;
	if (o[2].type != MSGPACK_OBJECT_POSITIVE_INTEGER) {
		snprintf(m->err, sizeof(m->err), "gen is not a u64");
		return decode_fail(m, err, errlen);
	}
	m->gen = o[2].via.u64;
	if (o[3].type != MSGPACK_OBJECT_ARRAY) {
		snprintf(m->err, sizeof(m->err), "body is %s, not array",
		    msg_objtype(&o[3]));
		return decode_fail(m, err, errlen);
	}
	m->body = &o[3];
	m->nfields = o[3].via.array.size;
	if (tab == NULL)
		return 0;

	if (m->type >= ntab || tab[m->type].name == NULL) {
		snprintf(m->err, sizeof(m->err), "unknown message type %u",
		    m->type);
		return decode_fail(m, err, errlen);
	}
	ti = m->info = &tab[m->type];
	m->secret = (ti->flags & MSGT_SECRET) != 0;
	if (len > ti->maxlen) {
		snprintf(m->err, sizeof(m->err), "frame of %zu bytes over the "
		    "%zu allowed for the type", len, ti->maxlen);
		return decode_fail(m, err, errlen);
	}
	if (m->nfields != ti->nfields) {
		snprintf(m->err, sizeof(m->err), "wrong arity (got %u, want %u)",
		    m->nfields, ti->nfields);
		return decode_fail(m, err, errlen);
	}
	if ((ti->flags & (MSGT_REQ | MSGT_REPLY)) != 0 && m->reqid == 0) {
		snprintf(m->err, sizeof(m->err), "%s without reqid",
		    (ti->flags & MSGT_REQ) ? "request" : "reply");
		return decode_fail(m, err, errlen);
	}
	if ((ti->flags & (MSGT_REQ | MSGT_REPLY)) == 0 && m->reqid != 0) {
		snprintf(m->err, sizeof(m->err), "unexpected reqid %u",
		    m->reqid);
		return decode_fail(m, err, errlen);
	}
	return 0;
}

static void
msg_verror(struct msg *, const char *, va_list)
    __attribute__((__format__ (printf, 2, 0)));

static void
msg_verror(struct msg *m, const char *fmt, va_list ap)
{
	char	 buf[MSG_ERRLEN];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (m->peer >= 0)
		fatalx("protocol violation from %s: %s: %s",
		    proc_name(m->peer), msg_type_name(m->type), buf);
	if (m->err[0] == '\0')
		snprintf(m->err, sizeof(m->err), "%s", buf);
}

int
msg_error(struct msg *m, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	msg_verror(m, fmt, ap);
	va_end(ap);
	return -1;
}

/* The next body field if it has the wanted type; NULL after an error. */
static const msgpack_object *
msg_next(struct msg *m, msgpack_object_type want, const char *what)
{
	const msgpack_object	*o;

	if (m->err[0] != '\0')
		return NULL;
	if (m->body == NULL) {
		msg_error(m, "no decoded message");
		return NULL;
	}
	if (m->pos >= m->nfields) {
		msg_error(m, "field %u (%s) missing", m->pos, what);
		return NULL;
	}
	o = &m->body->via.array.ptr[m->pos];
	if (o->type != want) {
		msg_error(m, "field %u: want %s, got %s", m->pos, what,
		    msg_objtype(o));
		return NULL;
	}
	return o;
}

int
msg_get_u64(struct msg *m, uint64_t *v)
{
	const msgpack_object	*o;

	if ((o = msg_next(m, MSGPACK_OBJECT_POSITIVE_INTEGER, "uint")) == NULL)
		return -1;
	*v = o->via.u64;
	m->pos++;
	return 0;
}

int
msg_get_u32(struct msg *m, uint32_t *v)
{
	const msgpack_object	*o;

	if ((o = msg_next(m, MSGPACK_OBJECT_POSITIVE_INTEGER, "uint")) == NULL)
		return -1;
	if (o->via.u64 > UINT32_MAX)
		return msg_error(m, "field %u: %llu does not fit u32", m->pos,
		    (unsigned long long)o->via.u64);
	*v = (uint32_t)o->via.u64;
	m->pos++;
	return 0;
}

int
msg_get_bool(struct msg *m, int *v)
{
	const msgpack_object	*o;

	if ((o = msg_next(m, MSGPACK_OBJECT_BOOLEAN, "bool")) == NULL)
		return -1;
	*v = o->via.boolean ? 1 : 0;
	m->pos++;
	return 0;
}

/* Check a str object: size and no NUL inside (field index for errors). */
static int
str_check(struct msg *m, const msgpack_object *o, size_t max,
    const char *where)
{
	if (o->type != MSGPACK_OBJECT_STR)
		return msg_error(m, "field %u%s: want str, got %s", m->pos,
		    where, msg_objtype(o));
	if (o->via.str.size > max)
		return msg_error(m, "field %u%s: str of %u bytes over %zu",
		    m->pos, where, o->via.str.size, max);
	if (o->via.str.size > 0 &&
	    memchr(o->via.str.ptr, '\0', o->via.str.size) != NULL)
		return msg_error(m, "field %u%s: str with embedded NUL",
		    m->pos, where);
	return 0;
}

static char *
str_copy(const msgpack_object *o)
{
	char	*s;

	if ((s = malloc((size_t)o->via.str.size + 1)) == NULL)
		return NULL;
	if (o->via.str.size > 0)
		memcpy(s, o->via.str.ptr, o->via.str.size);
	s[o->via.str.size] = '\0';
	return s;
}

int
msg_get_str(struct msg *m, char **out, size_t max)
{
	const msgpack_object	*o;
	char			*s;

	if ((o = msg_next(m, MSGPACK_OBJECT_STR, "str")) == NULL)
		return -1;
	if (str_check(m, o, max, "") == -1)
		return -1;
	if ((s = str_copy(o)) == NULL)
		return msg_error(m, "field %u: out of memory", m->pos);
	*out = s;
	m->pos++;
	return 0;
}

int
msg_get_strbuf(struct msg *m, char *buf, size_t bufsz)
{
	const msgpack_object	*o;

	if ((o = msg_next(m, MSGPACK_OBJECT_STR, "str")) == NULL)
		return -1;
	if (bufsz == 0)
		return msg_error(m, "field %u: no room", m->pos);
	if (str_check(m, o, bufsz - 1, "") == -1)
		return -1;
	if (o->via.str.size > 0)
		memcpy(buf, o->via.str.ptr, o->via.str.size);
	buf[o->via.str.size] = '\0';
	m->pos++;
	return 0;
}

static uint8_t *
bin_copy(const msgpack_object *o)
{
	uint8_t	*p;

	/* at least one byte so that an empty bin is not a NULL pointer */
	if ((p = malloc(o->via.bin.size > 0 ? o->via.bin.size : 1)) == NULL)
		return NULL;
	if (o->via.bin.size > 0)
		memcpy(p, o->via.bin.ptr, o->via.bin.size);
	return p;
}

int
msg_get_bin(struct msg *m, uint8_t **out, size_t *outlen, size_t max)
{
	const msgpack_object	*o;
	uint8_t			*p;

	if ((o = msg_next(m, MSGPACK_OBJECT_BIN, "bin")) == NULL)
		return -1;
	if (o->via.bin.size > max)
		return msg_error(m, "field %u: bin of %u bytes over %zu",
		    m->pos, o->via.bin.size, max);
	if ((p = bin_copy(o)) == NULL)
		return msg_error(m, "field %u: out of memory", m->pos);
	*out = p;
	*outlen = o->via.bin.size;
	m->pos++;
	return 0;
}

int
msg_get_fixbin(struct msg *m, void *out, size_t len)
{
	const msgpack_object	*o;

	if ((o = msg_next(m, MSGPACK_OBJECT_BIN, "bin")) == NULL)
		return -1;
	if (o->via.bin.size != len)
		return msg_error(m, "field %u: bin of %u bytes, want %zu",
		    m->pos, o->via.bin.size, len);
	if (len > 0)
		memcpy(out, o->via.bin.ptr, len);
	m->pos++;
	return 0;
}

int
msg_get_str_array(struct msg *m, char ***out, size_t *count, size_t maxcount,
    size_t maxlen)
{
	const msgpack_object	*o, *it;
	char			**v = NULL;
	char			 where[32];
	uint32_t		 i, n;

	if ((o = msg_next(m, MSGPACK_OBJECT_ARRAY, "array of str")) == NULL)
		return -1;
	n = o->via.array.size;
	if (n > maxcount)
		return msg_error(m, "field %u: %u items, at most %zu allowed",
		    m->pos, n, maxcount);
	for (i = 0; i < n; i++) {
		snprintf(where, sizeof(where), " item %u", i);
		if (str_check(m, &o->via.array.ptr[i], maxlen, where) == -1)
			return -1;
	}
	if (n > 0 && (v = calloc(n, sizeof(*v))) == NULL)
		return msg_error(m, "field %u: out of memory", m->pos);
	for (i = 0; i < n; i++) {
		it = &o->via.array.ptr[i];
		if ((v[i] = str_copy(it)) == NULL) {
			msg_free_str_array(v, i);
			return msg_error(m, "field %u: out of memory", m->pos);
		}
	}
	*out = v;
	*count = n;
	m->pos++;
	return 0;
}

int
msg_get_bin_array(struct msg *m, struct msg_bin **out, size_t *count,
    size_t maxcount, size_t maxlen)
{
	const msgpack_object	*o, *it;
	struct msg_bin		*v = NULL;
	uint32_t		 i, n;

	if ((o = msg_next(m, MSGPACK_OBJECT_ARRAY, "array of bin")) == NULL)
		return -1;
	n = o->via.array.size;
	if (n > maxcount)
		return msg_error(m, "field %u: %u items, at most %zu allowed",
		    m->pos, n, maxcount);
	for (i = 0; i < n; i++) {
		it = &o->via.array.ptr[i];
		if (it->type != MSGPACK_OBJECT_BIN)
			return msg_error(m, "field %u item %u: want bin, got "
			    "%s", m->pos, i, msg_objtype(it));
		if (it->via.bin.size > maxlen)
			return msg_error(m, "field %u item %u: bin of %u bytes "
			    "over %zu", m->pos, i, it->via.bin.size, maxlen);
	}
	if (n > 0 && (v = calloc(n, sizeof(*v))) == NULL)
		return msg_error(m, "field %u: out of memory", m->pos);
	for (i = 0; i < n; i++) {
		it = &o->via.array.ptr[i];
		if ((v[i].data = bin_copy(it)) == NULL) {
			msg_free_bin_array(v, i, m->secret);
			return msg_error(m, "field %u: out of memory", m->pos);
		}
		v[i].len = it->via.bin.size;
	}
	*out = v;
	*count = n;
	m->pos++;
	return 0;
}

int
msg_end(struct msg *m)
{
	if (m->err[0] != '\0')
		return -1;
	if (m->body == NULL)
		return msg_error(m, "no decoded message");
	if (m->pos != m->nfields)
		return msg_error(m, "%u unread fields", m->nfields - m->pos);
	return 0;
}

void
msg_free_str_array(char **v, size_t n)
{
	size_t	 i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
msg_free_bin_array(struct msg_bin *v, size_t n, int secret)
{
	size_t	 i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++) {
		if (secret && v[i].data != NULL)
			explicit_bzero(v[i].data, v[i].len);
		free(v[i].data);
	}
	free(v);
}

void
msg_freezero(void *p, size_t len)
{
	if (p == NULL)
		return;
	explicit_bzero(p, len);
	free(p);
}

static int
out_fail(struct msg_out *o, const char *fmt, ...)
    __attribute__((__format__ (printf, 2, 3)));

/* msgpack write callback: up to the limit; a secret frame never grows. */
static int
msg_out_write(void *data, const char *buf, size_t len)
{
	struct msg_out	*o = data;
	uint8_t		*nb;
	size_t		 ncap;

	if (len > o->limit - o->len)
		return -1;
	if (len > o->cap - o->len) {
		if (o->secret)
			return -1;
		ncap = o->cap > o->limit / 2 ? o->limit : 2 * o->cap;
		if (ncap < o->len + len)
			ncap = o->len + len;
		if ((nb = realloc(o->buf, MSG_HDRLEN + ncap)) == NULL)
			return out_fail(o, "out of memory for %zu bytes",
			    ncap);
		o->buf = nb;
		o->cap = ncap;
	}
	memcpy(o->buf + MSG_HDRLEN + o->len, buf, len);
	o->len += len;
	return 0;
}

static int
out_fail(struct msg_out *o, const char *fmt, ...)
{
	va_list	 ap;

	if (o->err[0] == '\0') {
		va_start(ap, fmt);
		vsnprintf(o->err, sizeof(o->err), fmt, ap);
		va_end(ap);
	}
	return -1;
}

int
msg_out_init_table(struct msg_out *o, const struct msg_typeinfo *tab,
    size_t ntab, size_t cap, uint32_t type, uint32_t reqid, uint64_t gen)
{
	const struct msg_typeinfo *ti;

	memset(o, 0, sizeof(*o));
	o->type = type;
	if (type >= ntab || tab[type].name == NULL)
		return out_fail(o, "unknown message type %u", type);
	ti = &tab[type];
	o->name = ti->name;
	if (cap == 0 || cap > ti->maxlen)
		cap = ti->maxlen;
	if (cap > UINT32_MAX)
		return out_fail(o, "%s: cap %zu too large", ti->name, cap);
	o->limit = cap;
	o->want = ti->nfields;
	o->secret = (ti->flags & MSGT_SECRET) != 0;
	if (!o->secret && cap > MSG_OUT_FIRST)
		cap = MSG_OUT_FIRST;
	if ((o->buf = malloc(MSG_HDRLEN + cap)) == NULL)
		return out_fail(o, "%s: out of memory", ti->name);
	o->cap = cap;
	msgpack_packer_init(&o->pk, o, msg_out_write);
	if (msgpack_pack_array(&o->pk, 4) != 0 ||
	    msgpack_pack_uint32(&o->pk, type) != 0 ||
	    msgpack_pack_uint32(&o->pk, reqid) != 0 ||
	    msgpack_pack_uint64(&o->pk, gen) != 0 ||
	    msgpack_pack_array(&o->pk, ti->nfields) != 0)
		return out_fail(o, "%s: envelope over %zu bytes", ti->name,
		    cap);
	return 0;
}

int
msg_out_init(struct msg_out *o, uint32_t type, uint32_t reqid, uint64_t gen)
{
	return msg_out_init_table(o, msg_types, MSG_TYPE_MAX, 0, type, reqid,
	    gen);
}

/* A frame whose fields' payloads add up to at most payload bytes. */
int
msg_out_init_cap(struct msg_out *o, uint32_t type, uint32_t reqid,
    uint64_t gen, size_t payload)
{
	size_t	 slack = MSG_OUT_SLACK(type < MSG_TYPE_MAX ?
		    msg_types[type].nfields : 0);

	return msg_out_init_table(o, msg_types, MSG_TYPE_MAX,
	    payload > SIZE_MAX - slack ? 0 : payload + slack, type, reqid,
	    gen);
}

/* Account one more body field; -1 if already failed or too many. */
static int
out_field(struct msg_out *o)
{
	if (o->err[0] != '\0' || o->buf == NULL)
		return out_fail(o, "not initialised");
	if (o->finished)
		return out_fail(o, "field after finish");
	if (o->nfields >= o->want)
		return out_fail(o, "too many fields (want %u)", o->want);
	o->nfields++;
	return 0;
}

static int
out_packed(struct msg_out *o, int r)
{
	if (r != 0)
		return out_fail(o, "field %u: frame over %zu bytes",
		    o->nfields - 1, o->limit);
	return 0;
}

int
msg_put_u32(struct msg_out *o, uint32_t v)
{
	if (out_field(o) == -1)
		return -1;
	return out_packed(o, msgpack_pack_uint32(&o->pk, v));
}

int
msg_put_u64(struct msg_out *o, uint64_t v)
{
	if (out_field(o) == -1)
		return -1;
	return out_packed(o, msgpack_pack_uint64(&o->pk, v));
}

int
msg_put_bool(struct msg_out *o, int v)
{
	if (out_field(o) == -1)
		return -1;
	return out_packed(o, v ? msgpack_pack_true(&o->pk) :
	    msgpack_pack_false(&o->pk));
}

static int
pack_str(struct msg_out *o, const char *s)
{
	size_t	 n;

	if (s == NULL)
		return out_fail(o, "field %u: NULL string", o->nfields - 1);
	n = strlen(s);
	if (n > UINT32_MAX)
		return out_fail(o, "field %u: string too long", o->nfields - 1);
	if (msgpack_pack_str(&o->pk, n) != 0 ||
	    msgpack_pack_str_body(&o->pk, s, n) != 0)
		return out_packed(o, -1);
	return 0;
}

static int
pack_bin(struct msg_out *o, const void *p, size_t n)
{
	if (p == NULL && n > 0)
		return out_fail(o, "field %u: NULL data", o->nfields - 1);
	if (n > UINT32_MAX)
		return out_fail(o, "field %u: bin too long", o->nfields - 1);
	if (msgpack_pack_bin(&o->pk, n) != 0 ||
	    (n > 0 && msgpack_pack_bin_body(&o->pk, p, n) != 0))
		return out_packed(o, -1);
	return 0;
}

int
msg_put_str(struct msg_out *o, const char *s)
{
	if (out_field(o) == -1)
		return -1;
	return pack_str(o, s);
}

int
msg_put_bin(struct msg_out *o, const void *p, size_t n)
{
	if (out_field(o) == -1)
		return -1;
	return pack_bin(o, p, n);
}

int
msg_put_str_array(struct msg_out *o, char * const *v, size_t n)
{
	size_t	 i;

	if (out_field(o) == -1)
		return -1;
	if (n > UINT32_MAX || (v == NULL && n > 0))
		return out_fail(o, "field %u: bad array", o->nfields - 1);
	if (msgpack_pack_array(&o->pk, n) != 0)
		return out_packed(o, -1);
	for (i = 0; i < n; i++)
		if (pack_str(o, v[i]) == -1)
			return -1;
	return 0;
}

int
msg_put_bin_array(struct msg_out *o, const struct msg_bin *v, size_t n)
{
	size_t	 i;

	if (out_field(o) == -1)
		return -1;
	if (n > UINT32_MAX || (v == NULL && n > 0))
		return out_fail(o, "field %u: bad array", o->nfields - 1);
	if (msgpack_pack_array(&o->pk, n) != 0)
		return out_packed(o, -1);
	for (i = 0; i < n; i++)
		if (pack_bin(o, v[i].data, v[i].len) == -1)
			return -1;
	return 0;
}

int
msg_out_finish(struct msg_out *o, char *err, size_t errlen)
{
	if (o->buf == NULL && o->err[0] == '\0')
		out_fail(o, "not initialised");
	if (o->err[0] == '\0' && !o->finished && o->nfields != o->want)
		out_fail(o, "wrong arity (got %u, want %u)", o->nfields,
		    o->want);
	if (o->err[0] != '\0') {
		seterr(err, errlen, "%s: %s", o->name != NULL ? o->name :
		    "message", o->err);
		return -1;
	}
	o->buf[0] = (uint8_t)(o->len >> 24);
	o->buf[1] = (uint8_t)(o->len >> 16);
	o->buf[2] = (uint8_t)(o->len >> 8);
	o->buf[3] = (uint8_t)o->len;
	o->finished = 1;
	return 0;
}

void
msg_out_free(struct msg_out *o)
{
	if (o->buf != NULL) {
		if (o->secret)
			explicit_bzero(o->buf, MSG_HDRLEN + o->len);
		free(o->buf);
		o->buf = NULL;
	}
	o->len = 0;
}
