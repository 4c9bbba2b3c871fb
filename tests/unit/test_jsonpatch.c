/*
 * RFC 6902 JSON Patch and RFC 6901 JSON Pointer (src/jsonpatch.c): the
 * RFC's appendix A examples and error cases from
 * tests/data/manifests/rfc6902-cases.json, checking the exact resulting
 * document and that a failed patch leaves the document unchanged.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jsonpatch.h"
#include "tests/tap.h"

static void
run_cases(const char *path)
{
	json_error_t	 je;
	json_t		*cases, *c, *doc, *orig;
	const char	*comment;
	char		 err[256];
	size_t		 i;
	int		 rc;

	if ((cases = json_load_file(path, JSON_REJECT_DUPLICATES, &je)) ==
	    NULL) {
		ok(0, "load %s: %s", path, je.text);
		return;
	}
	json_array_foreach(cases, i, c) {
		comment = json_string_value(json_object_get(c, "comment"));
		doc = json_deep_copy(json_object_get(c, "doc"));
		orig = json_deep_copy(doc);
		err[0] = '\0';
		rc = jsonpatch_apply(&doc, json_object_get(c, "patch"), err,
		    sizeof(err));
		if (json_object_get(c, "expected") != NULL) {
			ok(rc == JSONPATCH_OK && json_equal(doc,
			    json_object_get(c, "expected")), "%s", comment);
			if (rc != JSONPATCH_OK)
				tap_diag("error: %s", err);
		} else if (json_is_true(json_object_get(c, "test_failed"))) {
			ok(rc == JSONPATCH_TEST_FAILED && json_equal(doc, orig),
			    "%s: test failed, document unchanged", comment);
		} else {
			ok(rc == JSONPATCH_ERROR && json_equal(doc, orig) &&
			    err[0] != '\0', "%s: error (%s), document unchanged",
			    comment, err);
		}
		json_decref(doc);
		json_decref(orig);
	}
	json_decref(cases);
}

static void
pointers(void)
{
	static const struct {
		const char	*ptr;
		const char	*want;	/* compact JSON of the target */
	} p[] = {
		{ "", NULL },
		{ "/foo", "[\"bar\", \"baz\"]" },
		{ "/foo/0", "\"bar\"" },
		{ "/", "0" },
		{ "/a~1b", "1" },
		{ "/c%d", "2" },
		{ "/e^f", "3" },
		{ "/g|h", "4" },
		{ "/i\\j", "5" },
		{ "/k\"l", "6" },
		{ "/ ", "7" },
		{ "/m~0n", "8" },
	};
	const char	*docs = "{\"foo\": [\"bar\", \"baz\"], \"\": 0, "
	    "\"a/b\": 1, \"c%d\": 2, \"e^f\": 3, \"g|h\": 4, \"i\\\\j\": 5, "
	    "\"k\\\"l\": 6, \" \": 7, \"m~n\": 8}";
	json_t		*doc, *v, *want;
	char		 err[128];
	size_t		 i;

	doc = json_loads(docs, 0, NULL);
	ok(doc != NULL, "RFC 6901 example document loads");
	for (i = 0; i < sizeof(p) / sizeof(p[0]); i++) {
		v = jsonpointer_get(doc, p[i].ptr, err, sizeof(err));
		want = p[i].want ? json_loads(p[i].want, JSON_DECODE_ANY, NULL) :
		    json_incref(doc);
		ok(v != NULL && json_equal(v, want), "RFC 6901 pointer \"%s\"",
		    p[i].ptr);
		json_decref(want);
	}
	ok(jsonpointer_get(doc, "/foo/2", err, sizeof(err)) == NULL,
	    "pointer past the array end resolves to nothing");
	ok(jsonpointer_get(doc, "/foo/-", err, sizeof(err)) == NULL,
	    "\"-\" resolves to nothing outside add");
	ok(jsonpointer_get(doc, "/nope", err, sizeof(err)) == NULL &&
	    strstr(err, "nope") != NULL, "missing member named in the error");
	ok(jsonpointer_get(doc, "/foo/99999999999999999999999", err,
	    sizeof(err)) == NULL, "huge index does not overflow");
	json_decref(doc);
}

int
main(void)
{
	const char	*srcdir = getenv("top_srcdir");
	char		 path[4096];
	json_t		*patch;

	snprintf(path, sizeof(path), "%s/tests/data/manifests/"
	    "rfc6902-cases.json", srcdir ? srcdir : ".");
	run_cases(path);
	pointers();

	/* A.13: a patch with a duplicate "op" member must not load at all. */
	patch = json_loads("[{\"op\": \"add\", \"path\": \"/baz\", \"value\": "
	    "\"qux\", \"op\": \"remove\"}]", JSON_REJECT_DUPLICATES, NULL);
	ok(patch == NULL, "A.13 duplicate \"op\" refused by the loader");
	json_decref(patch);

	{
		json_t *s = json_string("1"), *i = json_integer(1);
		json_t *r = json_real(1.5), *i2 = json_integer(2);

		ok(!jsonpatch_equal(s, i), "string \"1\" and number 1 differ");
		ok(!jsonpatch_equal(r, i2), "1.5 and 2 differ");
		json_decref(s);
		json_decref(i);
		json_decref(r);
		json_decref(i2);
	}
	return tap_done();
}
