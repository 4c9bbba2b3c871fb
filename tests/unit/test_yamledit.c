/*
 * The YAML editor (src/yamledit.c) and the stored-block gzip (src/gzip.c).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gzip.h"
#include "yamledit.h"

#include "tests/tap.h"

static struct yamledit_stream *
parse(const char *text)
{
	struct yamledit_stream	*s;
	size_t			 line;
	char			 err[256];

	if (yamledit_parse(text, strlen(text), &s, &line, err,
	    sizeof(err)) == -1) {
		tap_diag("parse: %s", err);
		return NULL;
	}
	return s;
}

/* Apply one edit made by fn to text and compare with want. */
static char *
apply(const char *text, struct yamledit_edits *ed)
{
	char	*out;
	size_t	 len;
	char	 err[256];

	if (yamledit_apply(text, strlen(text), ed, &out, &len, err,
	    sizeof(err)) == -1) {
		tap_diag("apply: %s", err);
		return NULL;
	}
	return out;
}

static void
test_parse(void)
{
	const char *t = "# c\na: 1\nb:\n- x: 1\n  y: two # c2\n# mid\n- z\n"
	    "---\nk: [1, 2]\n...\n";
	struct yamledit_stream *s = parse(t);
	const struct yamledit_node *b, *it;
	size_t line;
	char err[256];

	ok(s != NULL, "parse a two-document stream");
	if (s == NULL)
		return;
	is_int(s->ndocs, 2, "two documents");
	b = yamledit_map_get(s->docs[0].root, "b");
	is_int(yamledit_seq_size(b), 2, "sequence of two");
	ok(b->dash != NULL && t[b->dash[0]] == '-' && t[b->dash[1]] == '-',
	    "dash offsets found across a comment");
	it = yamledit_seq_item(b, 0);
	is_str(yamledit_str(yamledit_map_get(it, "y")), "two", "scalar value");
	is_int(yamledit_map_get(it, "y")->line, 4, "0-based line kept");
	ok(memcmp(t + it->start, "x: 1", 4) == 0, "node start offset");
	ok(yamledit_map_get(s->docs[1].root, "k")->flow, "flow sequence");
	ok(yamledit_is_null(yamledit_map_get(s->docs[0].root, "none")),
	    "absent is null");
	yamledit_free(s);

	ok(yamledit_parse("a: 1\na: 2\n", 10, &s, &line, err,
	    sizeof(err)) == -1 && line == 2 && strstr(err, "duplicate") !=
	    NULL, "duplicate key refused with its line: %s", err);
	ok(yamledit_parse("a: [1\nb: 2\n", 11, &s, &line, err,
	    sizeof(err)) == -1 && line >= 2, "syntax error with a line: %s",
	    err);
	{
		char deep[400];
		memset(deep, '[', 200);
		memset(deep + 200, ']', 200);
		ok(yamledit_parse(deep, sizeof(deep), &s, &line, err,
		    sizeof(err)) == -1 && strstr(err, "nesting") != NULL,
		    "nesting depth bounded");
	}
}

static void
test_json(void)
{
	struct yamledit_stream *s = parse("a: 1\nb: '1'\nc: true\nd: ~\n"
	    "e: 1.5\nf: [x, \"y\"]\ng: 0755\nh: !!str 3\n");
	json_t *j, *want;
	char err[256] = "";

	if (s == NULL) {
		ok(0, "parse");
		return;
	}
	j = yamledit_to_json(s->docs[0].root, err, sizeof(err));
	want = json_pack("{s:i, s:s, s:b, s:n, s:f, s:[s,s], s:s, s:s}",
	    "a", 1, "b", "1", "c", 1, "d", "e", 1.5, "f", "x", "y",
	    "g", "0755", "h", "3");
	ok(j != NULL && json_equal(j, want), "YAML 1.1 scalar resolution");
	json_decref(j);
	json_decref(want);
	yamledit_free(s);

	s = parse("a: &x 1\nb: *x\n");
	j = s ? yamledit_to_json(s->docs[0].root, err, sizeof(err)) : NULL;
	ok(j == NULL && strstr(err, "line 2") != NULL, "alias refused: %s",
	    err);
	yamledit_free(s);
}

static void
test_edits(void)
{
	const char *t1 = "spec:\n  a: 1 # keep\n  list:\n  - x\n  - y\n";
	const char *t2 = "- name: c\n  image: i\n- name: d\n";
	const char *t3 = "{\"a\": {\"b\": []}, \"c\": [1]}";
	const char *t4 = "key: |\n  text\n\nnext: 2\n";
	struct yamledit_stream *s;
	struct yamledit_edits ed;
	const struct yamledit_node *spec, *r;
	json_t *v, *z, *j, *want;
	char *out, err[256];
	size_t len;

	/* Block mapping: prepend, append, and an item appended to the
	 * sequence that ends the mapping stays inside it. */
	s = parse(t1);
	yamledit_edits_init(&ed);
	v = json_pack("{s:s}", "m", "v");
	z = json_string("z");
	spec = yamledit_map_get(s->docs[0].root, "spec");
	yamledit_map_append(&ed, s, spec, "last", v, err, sizeof(err));
	yamledit_map_prepend(&ed, s, spec, "first", v, err, sizeof(err));
	yamledit_seq_insert(&ed, s, yamledit_map_get(spec, "list"), 2, z, err,
	    sizeof(err));
	out = apply(t1, &ed);
	is_str(out, "spec:\n  first:\n    m: v\n  a: 1 # keep\n  list:\n"
	    "  - x\n  - y\n  - z\n  last:\n    m: v\n",
	    "block mapping prepend, append, nested sequence append");
	free(out);
	yamledit_edits_free(&ed);
	yamledit_free(s);

	/* Block sequence: insert first, in the middle, at the end. */
	s = parse(t2);
	yamledit_edits_init(&ed);
	r = s->docs[0].root;
	yamledit_seq_insert(&ed, s, r, 0, v, err, sizeof(err));
	yamledit_seq_insert(&ed, s, r, 1, z, err, sizeof(err));
	yamledit_seq_insert(&ed, s, r, 2, v, err, sizeof(err));
	out = apply(t2, &ed);
	is_str(out, "- m: v\n- name: c\n  image: i\n- z\n- name: d\n- m: v\n",
	    "block sequence inserts");
	free(out);
	yamledit_edits_free(&ed);
	yamledit_free(s);

	/* Flow (JSON) stays JSON. */
	s = parse(t3);
	yamledit_edits_init(&ed);
	r = s->docs[0].root;
	yamledit_map_append(&ed, s, yamledit_map_get(r, "a"), "k", v, err,
	    sizeof(err));
	yamledit_seq_insert(&ed, s, yamledit_map_get(yamledit_map_get(r, "a"), "b"), 0, z, err, sizeof(err));
	yamledit_seq_insert(&ed, s, yamledit_map_get(r, "c"), 1, v, err,
	    sizeof(err));
	out = apply(t3, &ed);
	j = out ? json_loads(out, 0, NULL) : NULL;
	want = json_pack("{s:{s:[s], s:O}, s:[i, O]}", "a", "b", "z", "k", v,
	    "c", 1, v);
	ok(j != NULL && json_equal(j, want), "flow edits keep valid JSON: %s",
	    out ? out : "(null)");
	json_decref(j);
	json_decref(want);
	free(out);
	yamledit_edits_free(&ed);
	yamledit_free(s);

	/* Replacing a block scalar and turning a scalar into a mapping. */
	s = parse(t4);
	yamledit_edits_init(&ed);
	r = s->docs[0].root;
	yamledit_set(&ed, s, yamledit_map_get(r, "key"), z, err, sizeof(err));
	yamledit_set(&ed, s, yamledit_map_get(r, "next"), v, err,
	    sizeof(err));
	out = apply(t4, &ed);
	is_str(out, "key: z\n\nnext:\n  m: v\n", "set scalar values");
	free(out);
	yamledit_edits_free(&ed);

	/* Overlapping edits are refused. */
	yamledit_edits_init(&ed);
	yamledit_splice(&ed, 0, 5, "x", 1);
	yamledit_splice(&ed, 2, 1, "y", 1);
	ok(yamledit_apply(t4, strlen(t4), &ed, &out, &len, err,
	    sizeof(err)) == -1, "overlapping edits refused");
	yamledit_edits_free(&ed);
	yamledit_free(s);
	json_decref(v);
	json_decref(z);
}

static void
test_emit(void)
{
	static const struct {
		const char	*s;
		int		 plain;
	} p[] = {
		{ "50Mi", 1 }, { "true", 0 }, { "1.5", 0 }, { "-ec", 1 },
		{ "- x", 0 }, { "a: b", 0 }, { "/contrast", 1 }, { "", 0 },
		{ "2024-01-01", 0 }, { "a#b", 1 }, { "a #b", 0 }, { "0x1f", 0 },
		{ "12", 0 }, { "no", 0 }, { "H4sI+/=", 1 }, { "a,b", 0 },
		{ "...", 0 }, { "---", 0 }, { "x:", 0 }, { "@x", 0 },
	};
	struct yamledit_stream *s;
	json_t *v, *back;
	char *txt, err[256] = "";
	size_t i, len;

	for (i = 0; i < sizeof(p) / sizeof(p[0]); i++)
		is_int(yamledit_plain_ok(p[i].s, strlen(p[i].s)), p[i].plain,
		    "plain_ok('%s')", p[i].s);
	v = json_pack("{s:s, s:[s,s,{s:s}], s:{}, s:[], s:i, s:b, s:n, "
	    "s:s, s:{s:{s:s}}}", "a", "true", "b", "1", "x y", "k", "v: w",
	    "e", "f", "n", 7, "t", 1, "z", "q", "line\nbreak", "m", "o", "p",
	    "#");
	txt = yamledit_emit(v, 0, 0, &len);
	s = txt ? parse(txt) : NULL;
	back = s ? yamledit_to_json(s->docs[0].root, err, sizeof(err)) : NULL;
	ok(back != NULL && json_equal(v, back), "block emission reads back");
	json_decref(back);
	yamledit_free(s);
	free(txt);
	txt = yamledit_emit(v, 1, 0, &len);
	s = txt ? parse(txt) : NULL;
	back = s ? yamledit_to_json(s->docs[0].root, err, sizeof(err)) : NULL;
	ok(back != NULL && json_equal(v, back), "flow emission reads back");
	json_decref(back);
	yamledit_free(s);
	free(txt);
	json_decref(v);
}

static void
test_gzip(void)
{
	static const size_t sizes[] = { 0, 1, 65535, 65536, 200000 };
	uint8_t *in, *gz, *out;
	size_t i, k, gzlen, outlen;
	char err[256];
	int good = 1;

	is_int(gzip_crc32(0, (const uint8_t *)"123456789", 9), 0xcbf43926,
	    "CRC-32 check value");
	if ((in = malloc(200000)) == NULL)
		return;
	for (k = 0; k < 200000; k++)
		in[k] = (uint8_t)(k * 7 + (k >> 9));
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		if (gzip_store(in, sizes[i], &gz, &gzlen) == -1 ||
		    gzip_stored_decode(gz, gzlen, 1 << 20, &out, &outlen, err,
		    sizeof(err)) == -1) {
			good = 0;
			continue;
		}
		if (outlen != sizes[i] || memcmp(out, in, outlen) != 0)
			good = 0;
		free(out);
		if (i == 4) {
			gz[gzlen - 5] ^= 1;	/* CRC */
			ok(gzip_stored_decode(gz, gzlen, 1 << 20, &out,
			    &outlen, err, sizeof(err)) == -1, "bad CRC "
			    "refused: %s", err);
			gz[gzlen - 5] ^= 1;
			ok(gzip_stored_decode(gz, gzlen - 1, 1 << 20, &out,
			    &outlen, err, sizeof(err)) == -1, "truncation "
			    "refused: %s", err);
			ok(gzip_stored_decode(gz, gzlen, 1000, &out, &outlen,
			    err, sizeof(err)) == -1, "output cap: %s", err);
			gz[10] = 2;	/* a compressed block */
			ok(gzip_stored_decode(gz, gzlen, 1 << 20, &out,
			    &outlen, err, sizeof(err)) == -1, "non-stored "
			    "block refused: %s", err);
		}
		free(gz);
	}
	ok(good, "stored gzip round trips (0, 1, 65535, 65536, 200000)");
	free(in);
}

int
main(void)
{
	test_parse();
	test_json();
	test_edits();
	test_emit();
	test_gzip();
	return tap_done();
}
