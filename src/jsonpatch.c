/*
 * RFC 6902 JSON Patch and RFC 6901 JSON Pointer.
 *
 * Patches are applied to a deep copy that replaces the document only when
 * every operation succeeded, so a failure never leaves half a patch
 * behind.  Semantics follow the RFC; where the RFC leaves room we match
 * evanphx/json-patch, which upstream Contrast uses: a "test" of a member
 * that is absent from an existing object fails as a test (and passes when
 * the expected value is null).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonpatch.h"
#include "log.h"

#define PTR_MAX_TOKENS	256

struct ptr {
	char	*tok[PTR_MAX_TOKENS];
	size_t	 n;
};

static void
ptr_free(struct ptr *p)
{
	size_t	 i;

	for (i = 0; i < p->n; i++)
		free(p->tok[i]);
	p->n = 0;
}

/* Split and unescape a pointer; "" has no tokens. */
static int
ptr_parse(const char *s, struct ptr *p, char *err, size_t errlen)
{
	const char	*q;
	char		*t;
	size_t		 i, len;

	p->n = 0;
	if (*s == '\0')
		return 0;
	if (*s != '/') {
		seterr(err, errlen, "pointer \"%.64s\" does not start with /",
		    s);
		return -1;
	}
	while (*s == '/') {
		s++;
		for (q = s; *q != '\0' && *q != '/'; q++)
			;
		if (p->n == PTR_MAX_TOKENS) {
			seterr(err, errlen, "pointer has too many tokens");
			goto fail;
		}
		len = (size_t)(q - s);
		if ((t = malloc(len + 1)) == NULL) {
			seterr(err, errlen, "out of memory");
			goto fail;
		}
		for (i = 0; s < q; s++) {
			if (*s != '~') {
				t[i++] = *s;
				continue;
			}
			if (s + 1 < q && s[1] == '0')
				t[i++] = '~';
			else if (s + 1 < q && s[1] == '1')
				t[i++] = '/';
			else {
				free(t);
				seterr(err, errlen,
				    "pointer has an invalid ~ escape");
				goto fail;
			}
			s++;
		}
		t[i] = '\0';
		p->tok[p->n++] = t;
	}
	return 0;
 fail:
	ptr_free(p);
	return -1;
}

/*
 * An array index token: digits without leading zeros, < size (or <= size
 * with allow_end).  "-" means size when allow_end.
 */
static int
arr_index(const char *tok, size_t size, int allow_end, size_t *idx)
{
	size_t	 v = 0;
	const char *c;

	if (strcmp(tok, "-") == 0) {
		if (!allow_end)
			return -1;
		*idx = size;
		return 0;
	}
	if (*tok == '\0' || (tok[0] == '0' && tok[1] != '\0'))
		return -1;
	for (c = tok; *c != '\0'; c++) {
		if (*c < '0' || *c > '9')
			return -1;
		if (v > (size + 1) / 10 + 1)
			return -1;	/* certainly out of range */
		v = v * 10 + (size_t)(*c - '0');
	}
	if (v > size || (v == size && !allow_end))
		return -1;
	*idx = v;
	return 0;
}

/* Resolve the first n tokens of p. */
static json_t *
ptr_walk(json_t *root, const struct ptr *p, size_t n, char *err,
    size_t errlen)
{
	json_t	*cur = root;
	size_t	 i, idx;

	for (i = 0; i < n; i++) {
		if (json_is_object(cur))
			cur = json_object_get(cur, p->tok[i]);
		else if (json_is_array(cur)) {
			if (arr_index(p->tok[i], json_array_size(cur), 0,
			    &idx) == -1) {
				seterr(err, errlen, "bad array index \"%.32s\"",
				    p->tok[i]);
				return NULL;
			}
			cur = json_array_get(cur, idx);
		} else
			cur = NULL;
		if (cur == NULL) {
			seterr(err, errlen, "path component \"%.64s\" not found",
			    p->tok[i]);
			return NULL;
		}
	}
	return cur;
}

json_t *
jsonpointer_get(json_t *doc, const char *pointer, char *err, size_t errlen)
{
	struct ptr	 p;
	json_t		*v;

	if (ptr_parse(pointer, &p, err, errlen) == -1)
		return NULL;
	v = ptr_walk(doc, &p, p.n, err, errlen);
	ptr_free(&p);
	return v;
}

int
jsonpatch_equal(const json_t *a, const json_t *b)
{
	const char	*k;
	json_t		*va;
	size_t		 i;

	if (json_is_number(a) && json_is_number(b)) {
		if (json_is_integer(a) && json_is_integer(b))
			return json_integer_value(a) == json_integer_value(b);
		return json_number_value(a) == json_number_value(b);
	}
	if (json_typeof(a) != json_typeof(b))
		return 0;
	switch (json_typeof(a)) {
	case JSON_OBJECT:
		if (json_object_size(a) != json_object_size(b))
			return 0;
		json_object_foreach((json_t *)a, k, va) {
			const json_t *vb = json_object_get(b, k);

			if (vb == NULL || !jsonpatch_equal(va, vb))
				return 0;
		}
		return 1;
	case JSON_ARRAY:
		if (json_array_size(a) != json_array_size(b))
			return 0;
		for (i = 0; i < json_array_size(a); i++)
			if (!jsonpatch_equal(json_array_get(a, i),
			    json_array_get(b, i)))
				return 0;
		return 1;
	case JSON_STRING:
		return json_string_length(a) == json_string_length(b) &&
		    memcmp(json_string_value(a), json_string_value(b),
		    json_string_length(a)) == 0;
	default:
		return 1;	/* true, false, null */
	}
}

/* Add value (reference stolen) at p in *doc. */
static int
op_add(json_t **doc, const struct ptr *p, json_t *value, char *err,
    size_t errlen)
{
	json_t	*parent;
	size_t	 idx;
	const char *last;

	if (p->n == 0) {
		json_decref(*doc);
		*doc = value;
		return 0;
	}
	if ((parent = ptr_walk(*doc, p, p->n - 1, err, errlen)) == NULL)
		goto fail;
	last = p->tok[p->n - 1];
	if (json_is_object(parent)) {
		if (json_object_set_new(parent, last, value) == -1) {
			seterr(err, errlen, "cannot set member \"%.64s\"", last);
			return -1;
		}
		return 0;
	}
	if (json_is_array(parent)) {
		if (arr_index(last, json_array_size(parent), 1, &idx) == -1) {
			seterr(err, errlen, "bad array index \"%.32s\"", last);
			goto fail;
		}
		if (json_array_insert_new(parent, idx, value) == -1) {
			seterr(err, errlen, "cannot insert at %zu", idx);
			return -1;
		}
		return 0;
	}
	seterr(err, errlen, "parent is neither object nor array");
 fail:
	json_decref(value);
	return -1;
}

/* Remove the value at p; a new reference to it goes to *old if wanted. */
static int
op_remove(json_t *doc, const struct ptr *p, json_t **old, char *err,
    size_t errlen)
{
	json_t	*parent, *v;
	size_t	 idx;
	const char *last;

	if (p->n == 0) {
		seterr(err, errlen, "cannot remove the whole document");
		return -1;
	}
	if ((parent = ptr_walk(doc, p, p->n - 1, err, errlen)) == NULL)
		return -1;
	last = p->tok[p->n - 1];
	if (json_is_object(parent)) {
		if ((v = json_object_get(parent, last)) == NULL) {
			seterr(err, errlen, "member \"%.64s\" not found", last);
			return -1;
		}
		if (old != NULL)
			*old = json_incref(v);
		json_object_del(parent, last);
		return 0;
	}
	if (json_is_array(parent)) {
		if (arr_index(last, json_array_size(parent), 0, &idx) == -1) {
			seterr(err, errlen, "bad array index \"%.32s\"", last);
			return -1;
		}
		if (old != NULL)
			*old = json_incref(json_array_get(parent, idx));
		json_array_remove(parent, idx);
		return 0;
	}
	seterr(err, errlen, "parent is neither object nor array");
	return -1;
}

/* 1 if pointer a is a proper prefix of pointer b. */
static int
ptr_proper_prefix(const struct ptr *a, const struct ptr *b)
{
	size_t	 i;

	if (a->n >= b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (strcmp(a->tok[i], b->tok[i]) != 0)
			return 0;
	return 1;
}

static int
op_test(json_t *doc, const struct ptr *p, const json_t *value, char *err,
    size_t errlen)
{
	json_t	*parent, *v = NULL;

	if (p->n == 0)
		v = doc;
	else {
		if ((parent = ptr_walk(doc, p, p->n - 1, err, errlen)) == NULL)
			return JSONPATCH_ERROR;
		if (json_is_object(parent))
			v = json_object_get(parent, p->tok[p->n - 1]);
		else if (json_is_array(parent)) {
			size_t idx;

			if (arr_index(p->tok[p->n - 1],
			    json_array_size(parent), 0, &idx) == -1) {
				seterr(err, errlen, "bad array index");
				return JSONPATCH_ERROR;
			}
			v = json_array_get(parent, idx);
		} else {
			seterr(err, errlen, "parent is neither object nor "
			    "array");
			return JSONPATCH_ERROR;
		}
	}
	if (v == NULL)
		return json_is_null(value) ? JSONPATCH_OK :
		    JSONPATCH_TEST_FAILED;
	return jsonpatch_equal(v, value) ? JSONPATCH_OK :
	    JSONPATCH_TEST_FAILED;
}

static int
apply_one(json_t **doc, const json_t *op, char *err, size_t errlen)
{
	const char	*name, *path, *from;
	json_t		*value, *v;
	struct ptr	 p, f;
	int		 rc = JSONPATCH_ERROR, has_from = 0;

	if (!json_is_object(op)) {
		seterr(err, errlen, "operation is not an object");
		return JSONPATCH_ERROR;
	}
	if ((name = json_string_value(json_object_get(op, "op"))) == NULL) {
		seterr(err, errlen, "missing or non-string \"op\"");
		return JSONPATCH_ERROR;
	}
	if ((path = json_string_value(json_object_get(op, "path"))) == NULL) {
		seterr(err, errlen, "%s: missing or non-string \"path\"", name);
		return JSONPATCH_ERROR;
	}
	value = json_object_get(op, "value");
	if (ptr_parse(path, &p, err, errlen) == -1)
		return JSONPATCH_ERROR;
	f.n = 0;
	if (strcmp(name, "move") == 0 || strcmp(name, "copy") == 0) {
		if ((from = json_string_value(json_object_get(op, "from")))
		    == NULL) {
			seterr(err, errlen, "%s %s: missing or non-string "
			    "\"from\"", name, path);
			goto out;
		}
		if (ptr_parse(from, &f, err, errlen) == -1)
			goto out;
		has_from = 1;
	}
	if ((strcmp(name, "add") == 0 || strcmp(name, "replace") == 0 ||
	    strcmp(name, "test") == 0) && value == NULL) {
		seterr(err, errlen, "%s %s: missing \"value\"", name, path);
		goto out;
	}

	if (strcmp(name, "add") == 0) {
		if ((v = json_deep_copy(value)) == NULL)
			seterr(err, errlen, "out of memory");
		else if (op_add(doc, &p, v, err, errlen) == 0)
			rc = JSONPATCH_OK;
	} else if (strcmp(name, "remove") == 0) {
		if (op_remove(*doc, &p, NULL, err, errlen) == 0)
			rc = JSONPATCH_OK;
	} else if (strcmp(name, "replace") == 0) {
		/* The target must exist, unlike add. */
		if (p.n != 0 && op_remove(*doc, &p, NULL, err, errlen) == -1)
			goto out;
		if ((v = json_deep_copy(value)) == NULL)
			seterr(err, errlen, "out of memory");
		else if (op_add(doc, &p, v, err, errlen) == 0)
			rc = JSONPATCH_OK;
	} else if (strcmp(name, "move") == 0 && has_from) {
		if (ptr_proper_prefix(&f, &p)) {
			seterr(err, errlen, "move %s: cannot move into a child "
			    "of the source", path);
			goto out;
		}
		if (f.n == 0) {
			/* Moving the root onto itself is the only case left. */
			rc = p.n == 0 ? JSONPATCH_OK : JSONPATCH_ERROR;
			if (rc != JSONPATCH_OK)
				seterr(err, errlen, "move: bad from");
			goto out;
		}
		if (op_remove(*doc, &f, &v, err, errlen) == 0 &&
		    op_add(doc, &p, v, err, errlen) == 0)
			rc = JSONPATCH_OK;
	} else if (strcmp(name, "copy") == 0 && has_from) {
		if ((value = ptr_walk(*doc, &f, f.n, err, errlen)) == NULL)
			goto out;
		if ((v = json_deep_copy(value)) == NULL)
			seterr(err, errlen, "out of memory");
		else if (op_add(doc, &p, v, err, errlen) == 0)
			rc = JSONPATCH_OK;
	} else if (strcmp(name, "test") == 0) {
		rc = op_test(*doc, &p, value, err, errlen);
		if (rc == JSONPATCH_TEST_FAILED)
			seterr(err, errlen, "test %s: value differs", path);
	} else
		seterr(err, errlen, "unknown op \"%.32s\"", name);
 out:
	ptr_free(&p);
	ptr_free(&f);
	return rc;
}

int
jsonpatch_apply(json_t **doc, const json_t *patch, char *err, size_t errlen)
{
	json_t	*work;
	char	 e[256];
	size_t	 i;
	int	 rc;

	if (!json_is_array(patch)) {
		seterr(err, errlen, "patch is not an array");
		return JSONPATCH_ERROR;
	}
	if (json_array_size(patch) > JSONPATCH_MAX_OPS) {
		seterr(err, errlen, "patch has more than %d operations",
		    JSONPATCH_MAX_OPS);
		return JSONPATCH_ERROR;
	}
	if ((work = json_deep_copy(*doc)) == NULL) {
		seterr(err, errlen, "out of memory");
		return JSONPATCH_ERROR;
	}
	for (i = 0; i < json_array_size(patch); i++) {
		e[0] = '\0';
		rc = apply_one(&work, json_array_get(patch, i), e, sizeof(e));
		if (rc != JSONPATCH_OK) {
			seterr(err, errlen, "operation %zu: %s", i, e);
			json_decref(work);
			return rc;
		}
	}
	json_decref(*doc);
	*doc = work;
	return JSONPATCH_OK;
}
