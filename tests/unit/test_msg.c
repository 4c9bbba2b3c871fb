/*
 * Unit tests for privsep/msg.c: length prefix, prescan (the bounds that
 * protect msgpack-c), envelope decoding, typed getters in non-fatal mode,
 * and encoding into fixed buffers.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <msgpack.h>

#include "ipc.h"
#include "msg.h"
#include "msgtypes.h"
#include "tests/tap.h"

static char	 err[MSG_ERRLEN];

static int
prescan(const char *bytes, size_t len)
{
	err[0] = '\0';
	return msg_prescan((const uint8_t *)bytes, len, MSG_MAXDEPTH, err,
	    sizeof(err));
}

#define PRESCAN(lit)	prescan(lit, sizeof(lit) - 1)

static void
test_frame_len(void)
{
	size_t	 len = 0;

	ok(msg_frame_len((const uint8_t *)"\0\0\0\0", 100, &len, err,
	    sizeof(err)) == -1 && strstr(err, "length 0") != NULL,
	    "frame length 0 refused");
	ok(msg_frame_len((const uint8_t *)"\0\0\0\x64", 100, &len, err,
	    sizeof(err)) == 0 && len == 100, "frame length == max accepted");
	ok(msg_frame_len((const uint8_t *)"\0\0\0\x65", 100, &len, err,
	    sizeof(err)) == -1 && strstr(err, "101 over the limit of 100"),
	    "frame length max+1 refused: %s", err);
	ok(msg_frame_len((const uint8_t *)"\xff\xff\xff\xff", 100, &len, err,
	    sizeof(err)) == -1, "frame length 2^32-1 refused");
}

static void
test_prescan(void)
{
	char	 deep[16];
	int	 i;

	ok(PRESCAN("\xdd\xff\xff\xff\xff") == -1 &&
	    strstr(err, "4294967295 elements") != NULL,
	    "array32 of 2^32-1 refused before msgpack-c: %s", err);
	ok(PRESCAN("\xdc\xff\xff\x01\x02\x03") == -1,
	    "array16 count past the end refused");
	ok(PRESCAN("\xdf\xff\xff\xff\xff") == -1 &&
	    strstr(err, "8589934590 elements") != NULL,
	    "map32 bomb refused (entries count twice): %s", err);
	ok(PRESCAN("\x83\x01\x02\x03\x04\x05") == -1,
	    "fixmap of 3 entries with 5 bytes refused");
	ok(PRESCAN("\x82\x01\x02\x03\x04") == 0,
	    "fixmap of 2 entries with 4 bytes accepted");
	ok(PRESCAN("\xde\x00\x02\x01\x02\x03\x04") == 0,
	    "map16 accepted when it fits");
	/* each header fits on its own; together they promise too much */
	ok(PRESCAN("\x93\x93\xc0\xc0\xc0\xc0") == -1 &&
	    strstr(err, "offset 1") != NULL,
	    "nested counts are bounded together: %s", err);
	ok(PRESCAN("\xdb\x00\x00\x01\x00\x61") == -1 &&
	    strstr(err, "256 bytes") != NULL,
	    "str32 length past the end refused: %s", err);
	ok(PRESCAN("\xc6\xff\xff\xff\xff\x00") == -1,
	    "bin32 length past the end refused");
	ok(PRESCAN("\xc4\x05\x01\x02") == -1, "bin8 past the end refused");
	ok(PRESCAN("\xd9\x02\x61\x62") == 0, "str8 that fits accepted");
	ok(PRESCAN("\xd9") == -1, "truncated str8 header refused");
	ok(PRESCAN("\xcd\x01") == -1, "truncated uint16 refused");
	ok(PRESCAN("\xcf\x00\x00\x00\x00\x00\x00\x00\x01") == 0,
	    "uint64 accepted");
	ok(PRESCAN("\xd4\x01\x00") == -1 && strstr(err, "ext") != NULL,
	    "fixext1 refused");
	ok(PRESCAN("\xc7\x01\x05\x00") == -1, "ext8 refused");
	ok(PRESCAN("\xc9\xff\xff\xff\xff\x01") == -1,
	    "ext32 with a huge length refused");
	ok(PRESCAN("\xc1") == -1 && strstr(err, "reserved") != NULL,
	    "reserved byte 0xc1 refused");
	ok(PRESCAN("\xc0\xc0") == -1 && strstr(err, "1 trailing") != NULL,
	    "trailing bytes refused: %s", err);
	ok(prescan("", 0) == -1, "empty input refused");
	ok(PRESCAN("\x90") == 0, "empty array accepted");

	for (i = 0; i < 8; i++)
		deep[i] = '\x91';
	deep[8] = '\xc0';
	ok(prescan(deep, 9) == 0, "nesting depth 8 accepted");
	for (i = 0; i < 9; i++)
		deep[i] = '\x91';
	deep[9] = '\xc0';
	ok(prescan(deep, 10) == -1 && strstr(err, "deeper than 8") != NULL,
	    "nesting depth 9 refused: %s", err);
	ok(msg_prescan((const uint8_t *)deep, 10, 3, err, sizeof(err)) == -1,
	    "a smaller depth limit applies");
}

/* Pack an envelope by hand (to produce frames msg_out refuses to). */
struct raw {
	msgpack_sbuffer	 sb;
	msgpack_packer	 pk;
};

static void
raw_begin(struct raw *r)
{
	msgpack_sbuffer_init(&r->sb);
	msgpack_packer_init(&r->pk, &r->sb, msgpack_sbuffer_write);
}

static void
raw_env(struct raw *r, uint64_t type, uint64_t reqid, uint64_t gen,
    uint32_t nbody)
{
	raw_begin(r);
	msgpack_pack_array(&r->pk, 4);
	msgpack_pack_uint64(&r->pk, type);
	msgpack_pack_uint64(&r->pk, reqid);
	msgpack_pack_uint64(&r->pk, gen);
	msgpack_pack_array(&r->pk, nbody);
}

static int
raw_decode(struct raw *r, struct msg *m, int table)
{
	int	 rv;

	err[0] = '\0';
	rv = msg_decode(m, table ? msg_types : NULL, MSG_TYPE_MAX,
	    (const uint8_t *)r->sb.data, r->sb.size, err, sizeof(err));
	return rv;
}

static void
raw_end(struct raw *r, struct msg *m)
{
	msg_clear(m);
	msgpack_sbuffer_destroy(&r->sb);
}

static void
test_decode(void)
{
	struct raw	 r;
	struct msg	 m;
	uint32_t	 st;
	uint64_t	 gen;

	raw_env(&r, MSG_PARENT_STATUS_OK, 9, 3, 2);
	msgpack_pack_uint32(&r.pk, 1);
	msgpack_pack_uint64(&r.pk, 3);
	ok(raw_decode(&r, &m, 1) == 0 && m.type == MSG_PARENT_STATUS_OK &&
	    m.reqid == 9 && m.gen == 3 && m.fd == -1,
	    "valid envelope decodes: %s", err);
	ok(msg_get_u32(&m, &st) == 0 && st == 1 &&
	    msg_get_u64(&m, &gen) == 0 && gen == 3 && msg_end(&m) == 0,
	    "body fields read back");
	raw_end(&r, &m);

	raw_env(&r, MSG_PARENT_STATUS_OK, 9, 3, 3);
	msgpack_pack_uint32(&r.pk, 1);
	msgpack_pack_uint64(&r.pk, 3);
	msgpack_pack_uint64(&r.pk, 4);
	ok(raw_decode(&r, &m, 1) == -1 &&
	    strcmp(err, "wrong arity (got 3, want 2)") == 0 &&
	    m.type == MSG_PARENT_STATUS_OK, "wrong body arity: %s", err);
	raw_end(&r, &m);

	raw_begin(&r);
	msgpack_pack_array(&r.pk, 3);
	msgpack_pack_uint32(&r.pk, MSG_FRONT_READY);
	msgpack_pack_uint32(&r.pk, 0);
	msgpack_pack_uint32(&r.pk, 0);
	ok(raw_decode(&r, &m, 1) == -1 &&
	    strcmp(err, "wrong envelope arity (got 3, want 4)") == 0,
	    "wrong envelope arity: %s", err);
	raw_end(&r, &m);

	raw_begin(&r);
	msgpack_pack_map(&r.pk, 0);
	ok(raw_decode(&r, &m, 0) == -1 && strstr(err, "map, not array"),
	    "envelope must be an array: %s", err);
	raw_end(&r, &m);

	raw_env(&r, 1ULL << 32, 0, 0, 0);
	ok(raw_decode(&r, &m, 0) == -1 && strstr(err, "type is not a u32"),
	    "type over u32 refused");
	raw_end(&r, &m);

	raw_begin(&r);
	msgpack_pack_array(&r.pk, 4);
	msgpack_pack_int32(&r.pk, -1);
	msgpack_pack_uint32(&r.pk, 0);
	msgpack_pack_uint32(&r.pk, 0);
	msgpack_pack_array(&r.pk, 0);
	ok(raw_decode(&r, &m, 0) == -1, "negative type refused");
	raw_end(&r, &m);

	raw_begin(&r);
	msgpack_pack_array(&r.pk, 4);
	msgpack_pack_uint32(&r.pk, MSG_FRONT_READY);
	msgpack_pack_uint32(&r.pk, 0);
	msgpack_pack_uint32(&r.pk, 0);
	msgpack_pack_str(&r.pk, 0);
	ok(raw_decode(&r, &m, 0) == -1 && strstr(err, "body is str"),
	    "body must be an array: %s", err);
	raw_end(&r, &m);

	raw_env(&r, 999, 0, 0, 0);
	ok(raw_decode(&r, &m, 1) == -1 &&
	    strcmp(err, "unknown message type 999") == 0,
	    "unknown type refused with a table");
	raw_end(&r, &m);
	raw_env(&r, 999, 0, 0, 0);
	ok(raw_decode(&r, &m, 0) == 0 && m.type == 999 && m.info == NULL,
	    "without a table any type decodes (client protocol)");
	raw_end(&r, &m);

	raw_env(&r, MSG_FRONT_STATUS_REQ, 0, 0, 0);
	ok(raw_decode(&r, &m, 1) == -1 && strstr(err, "request without"),
	    "request without reqid refused");
	raw_end(&r, &m);
	raw_env(&r, MSG_FRONT_READY, 5, 0, 0);
	ok(raw_decode(&r, &m, 1) == -1 && strstr(err, "unexpected reqid 5"),
	    "reqid on a non-request refused");
	raw_end(&r, &m);

	raw_env(&r, MSG_FRONT_READY, 0, 0, 1);
	{
		char	 big[100];

		memset(big, 'a', sizeof(big));
		msgpack_pack_str(&r.pk, sizeof(big));
		msgpack_pack_str_body(&r.pk, big, sizeof(big));
	}
	ok(raw_decode(&r, &m, 1) == -1 && strstr(err, "over the 64 allowed"),
	    "frame over the type's maxlen refused: %s", err);
	raw_end(&r, &m);

	/* trailing bytes after a valid envelope */
	raw_env(&r, MSG_FRONT_READY, 0, 0, 0);
	msgpack_pack_nil(&r.pk);
	ok(raw_decode(&r, &m, 1) == -1 && strstr(err, "trailing"),
	    "trailing bytes refused: %s", err);
	raw_end(&r, &m);
}

/* A body with one of each kind of field, for the getters. */
static void
getters_body(struct raw *r)
{
	raw_env(r, 77, 0, 0, 12);
	msgpack_pack_uint32(&r->pk, 7);				/* 0 */
	msgpack_pack_uint64(&r->pk, 1ULL << 40);		/* 1 */
	msgpack_pack_true(&r->pk);				/* 2 */
	msgpack_pack_str(&r->pk, 3);				/* 3 */
	msgpack_pack_str_body(&r->pk, "abc", 3);
	msgpack_pack_bin(&r->pk, 3);				/* 4 */
	msgpack_pack_bin_body(&r->pk, "x\0z", 3);
	msgpack_pack_array(&r->pk, 2);				/* 5 */
	msgpack_pack_str(&r->pk, 1);
	msgpack_pack_str_body(&r->pk, "a", 1);
	msgpack_pack_str(&r->pk, 2);
	msgpack_pack_str_body(&r->pk, "bc", 2);
	msgpack_pack_array(&r->pk, 2);				/* 6 */
	msgpack_pack_bin(&r->pk, 0);
	msgpack_pack_bin(&r->pk, 2);
	msgpack_pack_bin_body(&r->pk, "\1\2", 2);
	msgpack_pack_str(&r->pk, 3);				/* 7 */
	msgpack_pack_str_body(&r->pk, "a\0b", 3);
	msgpack_pack_int32(&r->pk, -5);				/* 8 */
	msgpack_pack_array(&r->pk, 2);				/* 9 */
	msgpack_pack_str(&r->pk, 1);
	msgpack_pack_str_body(&r->pk, "a", 1);
	msgpack_pack_uint32(&r->pk, 1);
	msgpack_pack_str(&r->pk, 0);				/* 10 */
	msgpack_pack_nil(&r->pk);				/* 11 */
}

/* Decode the getters body and skip n fields with the right getters. */
static void
getters_at(struct raw *r, struct msg *m, int n)
{
	uint32_t	 u32;
	uint64_t	 u64;
	int		 b, i;
	char		 s[64], **sv;
	struct msg_bin	*bv;
	uint8_t		*p;
	size_t		 cnt, len;

	getters_body(r);
	if (raw_decode(r, m, 0) == -1)
		return;
	for (i = 0; i < n; i++) {
		switch (i) {
		case 0: msg_get_u32(m, &u32); break;
		case 1: msg_get_u64(m, &u64); break;
		case 2: msg_get_bool(m, &b); break;
		case 3: msg_get_strbuf(m, s, sizeof(s)); break;
		case 4: msg_get_bin(m, &p, &len, 10); free(p); break;
		case 5: msg_get_str_array(m, &sv, &cnt, 4, 4);
			msg_free_str_array(sv, cnt); break;
		case 6: msg_get_bin_array(m, &bv, &cnt, 4, 4);
			msg_free_bin_array(bv, cnt, 0); break;
		default: m->pos++; break;
		}
	}
}

static void
test_getters(void)
{
	struct raw	 r;
	struct msg	 m;
	uint32_t	 u32 = 0;
	uint64_t	 u64 = 0;
	int		 b = 0;
	char		*s = NULL, buf[4], **sv = NULL;
	uint8_t		*p = NULL, fix[3];
	size_t		 len = 0, cnt = 0;
	struct msg_bin	*bv = NULL;

	getters_body(&r);
	ok(raw_decode(&r, &m, 0) == 0 && m.nfields == 12, "getters body");
	ok(msg_get_u32(&m, &u32) == 0 && u32 == 7, "u32");
	ok(msg_get_u64(&m, &u64) == 0 && u64 == 1ULL << 40, "u64");
	ok(msg_get_bool(&m, &b) == 0 && b == 1, "bool");
	ok(msg_get_str(&m, &s, 3) == 0 && strcmp(s, "abc") == 0,
	    "str at exactly max, NUL-terminated copy");
	free(s);
	ok(msg_get_bin(&m, &p, &len, 3) == 0 && len == 3 &&
	    memcmp(p, "x\0z", 3) == 0, "bin may hold NULs, copied");
	free(p);
	ok(msg_get_str_array(&m, &sv, &cnt, 2, 2) == 0 && cnt == 2 &&
	    strcmp(sv[0], "a") == 0 && strcmp(sv[1], "bc") == 0,
	    "array of str");
	msg_free_str_array(sv, cnt);
	ok(msg_get_bin_array(&m, &bv, &cnt, 2, 2) == 0 && cnt == 2 &&
	    bv[0].len == 0 && bv[0].data != NULL && bv[1].len == 2 &&
	    memcmp(bv[1].data, "\1\2", 2) == 0, "array of bin");
	msg_free_bin_array(bv, cnt, 1);
	ok(msg_end(&m) == -1 && strcmp(msg_errstr(&m), "5 unread fields") == 0,
	    "msg_end with unread fields: %s", msg_errstr(&m));
	raw_end(&r, &m);

	getters_at(&r, &m, 1);
	ok(msg_get_u32(&m, &u32) == -1 && strstr(msg_errstr(&m), "does not "
	    "fit u32"), "u32 getter refuses 2^40: %s", msg_errstr(&m));
	ok(msg_get_u64(&m, &u64) == -1, "errors are sticky");
	raw_end(&r, &m);

	getters_at(&r, &m, 0);
	ok(msg_get_str(&m, &s, 10) == -1 &&
	    strcmp(msg_errstr(&m), "field 0: want str, got uint") == 0,
	    "wrong type: %s", msg_errstr(&m));
	raw_end(&r, &m);

	getters_at(&r, &m, 2);
	ok(msg_get_u32(&m, &u32) == -1 && strstr(msg_errstr(&m), "got bool"),
	    "uint getter on a bool refused");
	raw_end(&r, &m);

	getters_at(&r, &m, 3);
	ok(msg_get_str(&m, &s, 2) == -1 && strstr(msg_errstr(&m), "str of 3 "
	    "bytes over 2"), "over-max str refused: %s", msg_errstr(&m));
	raw_end(&r, &m);
	getters_at(&r, &m, 3);
	ok(msg_get_strbuf(&m, buf, 3) == -1, "str into a too small buffer "
	    "refused");
	raw_end(&r, &m);
	getters_at(&r, &m, 3);
	ok(msg_get_bin(&m, &p, &len, 10) == -1 &&
	    strstr(msg_errstr(&m), "want bin, got str"),
	    "str is not bin");
	raw_end(&r, &m);

	getters_at(&r, &m, 4);
	ok(msg_get_bin(&m, &p, &len, 2) == -1 && strstr(msg_errstr(&m),
	    "bin of 3 bytes over 2"), "over-max bin refused");
	raw_end(&r, &m);
	getters_at(&r, &m, 4);
	ok(msg_get_fixbin(&m, fix, 2) == -1 && strstr(msg_errstr(&m),
	    "want 2"), "fixed bin of the wrong size refused");
	raw_end(&r, &m);
	getters_at(&r, &m, 4);
	ok(msg_get_fixbin(&m, fix, 3) == 0 && memcmp(fix, "x\0z", 3) == 0,
	    "fixed bin of the right size");
	raw_end(&r, &m);
	getters_at(&r, &m, 4);
	ok(msg_get_str(&m, &s, 10) == -1, "bin is not str");
	raw_end(&r, &m);

	getters_at(&r, &m, 5);
	ok(msg_get_str_array(&m, &sv, &cnt, 1, 4) == -1 &&
	    strstr(msg_errstr(&m), "2 items, at most 1"),
	    "array of str over max count refused");
	raw_end(&r, &m);
	getters_at(&r, &m, 5);
	ok(msg_get_str_array(&m, &sv, &cnt, 4, 1) == -1 &&
	    strstr(msg_errstr(&m), "item 1"),
	    "array of str with an over-long item refused: %s",
	    msg_errstr(&m));
	raw_end(&r, &m);
	getters_at(&r, &m, 6);
	ok(msg_get_bin_array(&m, &bv, &cnt, 4, 1) == -1 &&
	    strstr(msg_errstr(&m), "item 1"),
	    "array of bin with an over-long item refused");
	raw_end(&r, &m);
	getters_at(&r, &m, 6);
	ok(msg_get_str_array(&m, &sv, &cnt, 4, 4) == -1,
	    "array of bin is not array of str");
	raw_end(&r, &m);

	getters_at(&r, &m, 7);
	ok(msg_get_str(&m, &s, 10) == -1 &&
	    strstr(msg_errstr(&m), "embedded NUL"), "embedded NUL refused");
	raw_end(&r, &m);
	getters_at(&r, &m, 7);
	ok(msg_get_strbuf(&m, buf, sizeof(buf)) == -1, "embedded NUL refused "
	    "by strbuf");
	raw_end(&r, &m);

	getters_at(&r, &m, 8);
	ok(msg_get_u64(&m, &u64) == -1 && strstr(msg_errstr(&m),
	    "negative"), "negative int is not uint");
	raw_end(&r, &m);

	getters_at(&r, &m, 9);
	ok(msg_get_str_array(&m, &sv, &cnt, 4, 4) == -1 &&
	    strstr(msg_errstr(&m), "item 1: want str, got uint"),
	    "mixed array refused: %s", msg_errstr(&m));
	raw_end(&r, &m);

	getters_at(&r, &m, 10);
	ok(msg_get_str(&m, &s, 0) == 0 && s[0] == '\0', "empty str");
	free(s);
	ok(msg_get_bool(&m, &b) == -1 && strstr(msg_errstr(&m), "got nil"),
	    "nil is not bool");
	raw_end(&r, &m);

	getters_at(&r, &m, 12);
	ok(msg_end(&m) == 0, "msg_end after every field");
	ok(msg_get_u32(&m, &u32) == -1 && strstr(msg_errstr(&m),
	    "field 12 (uint) missing"), "reading past the body refused");
	raw_end(&r, &m);
}

/* Secret frames have a fixed buffer; others grow, up to their limit. */
static void
test_out_growth(void)
{
	static const struct msg_typeinfo tab[] = {
		[1] = { "T_BIG", 1, 3 * MSG_OUT_FIRST, 0, 0 },
		[2] = { "T_SECRET", 1, 3 * MSG_OUT_FIRST, MSGT_SECRET, 0 },
	};
	struct msg_out	 o;
	struct msg	 m;
	uint8_t		*big, *back = NULL;
	size_t		 n, room;

	if ((big = malloc(3 * MSG_OUT_FIRST)) == NULL)
		abort();
	memset(big, 0xa5, 3 * MSG_OUT_FIRST);
	ok(msg_out_init_table(&o, tab, 3, 0, 1, 0, 0) == 0 &&
	    o.cap == MSG_OUT_FIRST && o.limit == 3 * MSG_OUT_FIRST,
	    "a plain frame starts small");
	room = o.limit - o.len - 3;	/* bin16 header */
	ok(msg_put_bin(&o, big, room) == 0 && o.cap == o.limit &&
	    msg_out_finish(&o, err, sizeof(err)) == 0,
	    "and grows to exactly its limit");
	ok(msg_decode(&m, tab, 3, o.buf + MSG_HDRLEN, o.len, err,
	    sizeof(err)) == 0 && msg_get_bin(&m, &back, &n, room) == 0 &&
	    n == room && memcmp(back, big, n) == 0 && msg_end(&m) == 0,
	    "what it grew to holds the field");
	free(back);
	msg_clear(&m);
	msg_out_free(&o);
	ok(msg_out_init_table(&o, tab, 3, 0, 1, 0, 0) == 0 &&
	    msg_put_bin(&o, big, room + 1) == -1 && o.len <= o.limit &&
	    msg_out_finish(&o, err, sizeof(err)) == -1 &&
	    strstr(err, "over 12288 bytes"),
	    "one byte past the limit refused: %s", err);
	msg_out_free(&o);

	ok(msg_out_init_table(&o, tab, 3, 0, 2, 0, 0) == 0 &&
	    o.cap == o.limit && o.limit == 3 * MSG_OUT_FIRST,
	    "a secret frame gets its whole buffer at once");
	msg_out_free(&o);
	/* msg_out_init_cap: payload plus slack, never more than maxlen */
	ok(msg_out_init_cap(&o, MSG_PARENT_MESH_CERT_OK, 1, 0, 1000) == 0 &&
	    o.secret && o.cap == o.limit &&
	    o.limit == 1000 + MSG_OUT_SLACK(5),
	    "a sized secret frame: payload plus MSG_OUT_SLACK");
	ok(msg_put_u32(&o, UINT32_MAX) == 0 &&
	    msg_put_str(&o, "m") == 0 && msg_put_str(&o, "c") == 0 &&
	    msg_put_str(&o, "r") == 0 && msg_put_bin(&o, big, 996) == 0 &&
	    msg_out_finish(&o, err, sizeof(err)) == 0,
	    "holds its worst case (u32 and 1000 bytes of payload)");
	msg_out_free(&o);
	ok(msg_out_init_cap(&o, MSG_PARENT_MESH_CERT_OK, 1, 0, 10) == 0 &&
	    msg_put_u32(&o, 1) == 0 && msg_put_bin(&o, big, 100) == -1,
	    "and refuses more than it was sized for");
	msg_out_free(&o);
	ok(msg_out_init_cap(&o, MSG_PARENT_MESH_CERT_OK, 1, 0, SIZE_MAX) ==
	    0 && o.limit == msg_types[MSG_PARENT_MESH_CERT_OK].maxlen,
	    "a payload past maxlen gets maxlen");
	msg_out_free(&o);
	free(big);
}

static void
test_out(void)
{
	struct msg_out	 o;
	struct msg	 m;
	struct msg_bin	 bins[2] = { { (uint8_t *)"k\0y", 3 }, { NULL, 0 } };
	char		*strs[2] = { "one", "two" };
	static const struct msg_typeinfo tab[] = {
		[1] = { "T_ALL", 7, 200, MSGT_SECRET, 0 },
	};
	char		**sv;
	struct msg_bin	*bv;
	size_t		 n;
	uint32_t	 u32;
	uint64_t	 u64;
	int		 b;
	char		*s = NULL;
	size_t		 framelen;

	ok(msg_out_init_table(&o, tab, 2, 0, 1, 0, 42) == 0 && o.secret,
	    "msg_out_init_table");
	msg_put_u32(&o, 5);
	msg_put_u64(&o, UINT64_MAX);
	msg_put_bool(&o, 0);
	msg_put_str(&o, "hello");
	msg_put_bin(&o, "\0\1", 2);
	msg_put_str_array(&o, strs, 2);
	msg_put_bin_array(&o, bins, 2);
	ok(msg_out_finish(&o, err, sizeof(err)) == 0, "finish: %s", err);
	framelen = (size_t)o.buf[0] << 24 | (size_t)o.buf[1] << 16 |
	    (size_t)o.buf[2] << 8 | o.buf[3];
	ok(framelen == o.len, "length prefix matches");
	ok(msg_decode(&m, tab, 2, o.buf + MSG_HDRLEN, o.len, err,
	    sizeof(err)) == 0 && m.secret && m.gen == 42,
	    "round trip decodes: %s", err);
	ok(msg_get_u32(&m, &u32) == 0 && u32 == 5 &&
	    msg_get_u64(&m, &u64) == 0 && u64 == UINT64_MAX &&
	    msg_get_bool(&m, &b) == 0 && b == 0 &&
	    msg_get_str(&m, &s, 5) == 0 && strcmp(s, "hello") == 0,
	    "round trip scalars");
	free(s);
	ok(msg_get_bin(&m, (uint8_t **)&s, &n, 2) == 0 && n == 2 &&
	    memcmp(s, "\0\1", 2) == 0, "round trip bin");
	msg_freezero(s, n);
	ok(msg_get_str_array(&m, &sv, &n, 2, 3) == 0 && n == 2 &&
	    strcmp(sv[1], "two") == 0, "round trip str array");
	msg_free_str_array(sv, n);
	ok(msg_get_bin_array(&m, &bv, &n, 2, 3) == 0 && n == 2 &&
	    bv[0].len == 3 && memcmp(bv[0].data, "k\0y", 3) == 0 &&
	    bv[1].len == 0, "round trip bin array");
	msg_free_bin_array(bv, n, m.secret);
	ok(msg_end(&m) == 0, "round trip consumed");
	msg_clear(&m);
	msg_out_free(&o);
	msg_out_free(&o);
	ok(o.buf == NULL, "msg_out_free twice is safe");

	ok(msg_out_init(&o, MSG_PARENT_STATUS_OK, 1, 0) == 0, "init");
	msg_put_u32(&o, 1);
	ok(msg_out_finish(&o, err, sizeof(err)) == -1 &&
	    strstr(err, "MSG_PARENT_STATUS_OK: wrong arity (got 1, want 2)"),
	    "finish checks arity: %s", err);
	msg_out_free(&o);

	msg_out_init(&o, MSG_PARENT_SELFTEST_REQ, 0, 0);
	msg_put_u32(&o, 1);
	ok(msg_put_u32(&o, 2) == -1 &&
	    msg_out_finish(&o, err, sizeof(err)) == -1 &&
	    strstr(err, "too many fields"), "too many fields refused");
	msg_out_free(&o);

	/* a fixed buffer: overflow fails, it never grows */
	ok(msg_out_init_table(&o, tab, 2, 20, 1, 0, 0) == 0 && o.cap == 20,
	    "tighter cap");
	msg_put_u32(&o, 1);
	msg_put_u64(&o, 1);
	msg_put_bool(&o, 1);
	ok(msg_put_str(&o, "a string longer than the buffer") == -1 &&
	    o.cap == 20 && o.len <= 20, "overflow of the fixed buffer "
	    "refused");
	ok(msg_out_finish(&o, err, sizeof(err)) == -1 &&
	    strstr(err, "over 20 bytes"), "and reported: %s", err);
	msg_out_free(&o);

	ok(msg_out_init(&o, 12345, 0, 0) == -1 && o.buf == NULL,
	    "unknown type refused by the encoder");
	msg_out_free(&o);
	test_out_growth();
}

static void
test_names(void)
{
	is_str(msg_type_name(MSG_FRONT_READY), "MSG_FRONT_READY", "type name");
	is_str(msg_type_name(4242), "MSG_UNKNOWN(4242)", "unknown type name");
	is_str(msg_type_name(MSG_NONE), "MSG_UNKNOWN(0)", "MSG_NONE invalid");
	is_str(proc_name(PROC_VERIFIER), "verifier", "proc name");
	is_str(proc_name(-1), "unknown", "bad proc id");
	ok(msg_typeinfo(MSG_TYPE_MAX) == NULL, "MSG_TYPE_MAX invalid");
}

/* Every type in the table is complete and consistent. */
static void
test_table(void)
{
	uint32_t	 t;
	int		 bad = 0;
	const struct msg_typeinfo *ti;

	for (t = 1; t < MSG_TYPE_MAX; t++) {
		if ((ti = msg_typeinfo(t)) == NULL) {
			tap_diag("type %u has no entry", t);
			bad++;
			continue;
		}
		if (strncmp(ti->name, "MSG_", 4) != 0 || ti->maxlen == 0 ||
		    ti->maxlen > IPC_MAXLEN_FRONT)
			bad++;
		if ((ti->flags & MSGT_REPLY) != 0 &&
		    (msg_typeinfo(ti->answers) == NULL ||
		    (msg_typeinfo(ti->answers)->flags & MSGT_REQ) == 0))
			bad++;
	}
	ok(bad == 0, "message table: every type named, bounded, replies "
	    "answer requests");
}

int
main(void)
{
	test_frame_len();
	test_prescan();
	test_decode();
	test_getters();
	test_out();
	test_names();
	test_table();
	return tap_done();
}
