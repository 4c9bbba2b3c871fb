/*
 * Comment-preserving YAML editing by splicing at libyaml's marks.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "log.h"
#include "util.h"
#include "yamledit.h"

/* ---- parsing ---- */

/*
 * Nodes, scalar text and tags come from an arena freed at once: a large
 * manifest set has millions of small nodes, and freeing them one by one
 * was a third of generate's time.
 */
#define ARENA_CHUNK	(256 * 1024)

struct arena_chunk {
	struct arena_chunk	*next;
	size_t			 used;
	size_t			 cap;
	max_align_t		 data[];
};

static void *
arena_alloc(struct yamledit_stream *s, size_t n)
{
	struct arena_chunk	*c = s->arena;
	size_t			 a = sizeof(max_align_t), cap;
	void			*p;

	n = (n + a - 1) / a * a;
	if (c == NULL || c->cap - c->used < n) {
		cap = n > ARENA_CHUNK / 4 ? n : ARENA_CHUNK;
		if ((c = malloc(sizeof(*c) + cap)) == NULL)
			return NULL;
		c->used = 0;
		c->cap = cap;
		/* A big block goes behind the current chunk so that the
		 * current one keeps being filled. */
		if (cap != ARENA_CHUNK && s->arena != NULL) {
			c->next = ((struct arena_chunk *)s->arena)->next;
			((struct arena_chunk *)s->arena)->next = c;
		} else {
			c->next = s->arena;
			s->arena = c;
		}
	}
	p = (char *)c->data + c->used;
	c->used += n;
	memset(p, 0, n);
	return p;
}

static void
arena_free(struct yamledit_stream *s)
{
	struct arena_chunk	*c, *next;

	for (c = s->arena; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	s->arena = NULL;
}

/* Only the growing arrays are separate allocations. */
static void
node_free(struct yamledit_node *n)
{
	size_t	 i;

	if (n == NULL)
		return;
	for (i = 0; i < n->nkids; i++)
		node_free(n->kids[i]);
	free(n->kids);
	free(n->dash);
}

void
yamledit_free(struct yamledit_stream *s)
{
	size_t	 i;

	if (s == NULL)
		return;
	for (i = 0; i < s->ndocs; i++)
		node_free(s->docs[i].root);
	free(s->docs);
	arena_free(s);
	free(s);
}

static int
node_addkid(struct yamledit_node *p, struct yamledit_node *k)
{
	struct yamledit_node	**nk;
	size_t			  ncap;

	if (p->nkids == p->kcap) {
		ncap = p->kcap ? p->kcap * 2 : 4;
		if ((nk = reallocarray(p->kids, ncap, sizeof(*nk))) == NULL)
			return -1;
		p->kids = nk;
		p->kcap = ncap;
	}
	p->kids[p->nkids++] = k;
	k->parent = p;
	return 0;
}

static const char *
event_tag(const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		return (const char *)ev->data.scalar.tag;
	case YAML_SEQUENCE_START_EVENT:
		return (const char *)ev->data.sequence_start.tag;
	case YAML_MAPPING_START_EVENT:
		return (const char *)ev->data.mapping_start.tag;
	default:
		return NULL;
	}
}

static int
key_cmp(const void *a, const void *b)
{
	const struct yamledit_node *x = *(struct yamledit_node *const *)a;
	const struct yamledit_node *y = *(struct yamledit_node *const *)b;
	size_t	 n = x->len < y->len ? x->len : y->len;
	int	 c = memcmp(x->value, y->value, n);

	if (c != 0)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

/* Duplicate scalar keys are refused (Kubernetes' YAML reader does too). */
static int
check_dup_keys(const struct yamledit_node *m, size_t *linep, char *err,
    size_t errlen)
{
	struct yamledit_node	**keys;
	size_t			  i, n = 0;
	int			  rc = 0;

	if (m->nkids < 4)
		return 0;
	if ((keys = calloc(m->nkids / 2, sizeof(*keys))) == NULL) {
		seterr(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < m->nkids; i += 2)
		if (m->kids[i]->type == YAMLEDIT_SCALAR)
			keys[n++] = m->kids[i];
	qsort(keys, n, sizeof(*keys), key_cmp);
	for (i = 1; i < n; i++) {
		if (key_cmp(&keys[i - 1], &keys[i]) == 0) {
			const struct yamledit_node *k =
			    keys[i - 1]->line > keys[i]->line ?
			    keys[i - 1] : keys[i];
			seterr(err, errlen, "line %zu: duplicate key '%.64s'",
			    k->line + 1, k->value);
			if (linep != NULL)
				*linep = k->line + 1;
			rc = -1;
			break;
		}
	}
	free(keys);
	return rc;
}

/* Offset of item i's dash, scanning forward over blanks and comments. */
static int
find_dash(const char *t, size_t len, size_t from, size_t *out)
{
	size_t	 i = from;

	while (i < len) {
		if (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' ||
		    t[i] == '\r') {
			i++;
		} else if (t[i] == '#') {
			while (i < len && t[i] != '\n')
				i++;
		} else if (t[i] == '-') {
			*out = i;
			return 0;
		} else
			return -1;
	}
	return -1;
}

static struct yamledit_node *
node_new(struct yamledit_stream *s, const yaml_event_t *ev)
{
	struct yamledit_node	*n;
	const char		*tag;

	if ((n = arena_alloc(s, sizeof(*n))) == NULL)
		return NULL;
	n->start = ev->start_mark.index;
	n->end = ev->end_mark.index;
	n->line = ev->start_mark.line;
	n->col = ev->start_mark.column;
	tag = event_tag(ev);
	if (tag != NULL) {
		if ((n->tag = arena_alloc(s, strlen(tag) + 1)) == NULL)
			goto fail;
		memcpy(n->tag, tag, strlen(tag) + 1);
	}
	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		n->type = YAMLEDIT_ALIAS;
		break;
	case YAML_SCALAR_EVENT:
		n->type = YAMLEDIT_SCALAR;
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		n->block = ev->data.scalar.style == YAML_LITERAL_SCALAR_STYLE ||
		    ev->data.scalar.style == YAML_FOLDED_SCALAR_STYLE;
		n->len = ev->data.scalar.length;
		if ((n->value = arena_alloc(s, n->len + 1)) == NULL)
			goto fail;
		memcpy(n->value, ev->data.scalar.value, n->len);
		n->value[n->len] = '\0';
		break;
	case YAML_SEQUENCE_START_EVENT:
		n->type = YAMLEDIT_SEQUENCE;
		n->flow = ev->data.sequence_start.style ==
		    YAML_FLOW_SEQUENCE_STYLE;
		break;
	default:
		n->type = YAMLEDIT_MAPPING;
		n->flow = ev->data.mapping_start.style ==
		    YAML_FLOW_MAPPING_STYLE;
		break;
	}
	return n;
 fail:
	return NULL;
}

/* A collection is complete: fix its end, check keys, find the dashes. */
static int
node_close(const char *text, size_t len, struct yamledit_node *n,
    const yaml_event_t *ev, size_t *linep, char *err, size_t errlen)
{
	size_t	 i;

	if (n->flow)
		n->end = ev->end_mark.index;
	else if (n->nkids > 0)
		n->end = n->kids[n->nkids - 1]->end;
	if (n->type == YAMLEDIT_MAPPING)
		return check_dup_keys(n, linep, err, errlen);
	if (n->flow || n->nkids == 0)
		return 0;
	if ((n->dash = calloc(n->nkids, sizeof(*n->dash))) == NULL) {
		seterr(err, errlen, "out of memory");
		return -1;
	}
	n->dash[0] = n->start;
	for (i = 1; i < n->nkids; i++) {
		if (find_dash(text, len, n->kids[i - 1]->end, &n->dash[i]) ==
		    -1 || n->dash[i] > n->kids[i]->start) {
			seterr(err, errlen, "line %zu: cannot locate sequence "
			    "item", n->kids[i]->line + 1);
			if (linep != NULL)
				*linep = n->kids[i]->line + 1;
			return -1;
		}
	}
	return 0;
}

int
yamledit_parse(const char *text, size_t len, struct yamledit_stream **out,
    size_t *linep, char *err, size_t errlen)
{
	yaml_parser_t		 p;
	yaml_event_t		 ev;
	struct yamledit_stream	*s;
	struct yamledit_node	*stack[YAMLEDIT_MAX_DEPTH];
	struct yamledit_node	*n, *root = NULL;
	struct yamledit_doc	*nd;
	size_t			 depth = 0, docstart = 0;
	int			 done = 0, rc = -1, have_ev = 0;

	*out = NULL;
	if (linep != NULL)
		*linep = 0;
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		seterr(err, errlen, "out of memory");
		return -1;
	}
	s->text = text;
	s->len = len;
	if (!yaml_parser_initialize(&p)) {
		free(s);
		seterr(err, errlen, "out of memory");
		return -1;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	while (!done) {
		if (!yaml_parser_parse(&p, &ev)) {
			size_t l = p.problem_mark.line + 1;
			seterr(err, errlen, "line %zu: %s%s%s", l,
			    p.problem ? p.problem : "syntax error",
			    p.context ? " " : "", p.context ? p.context : "");
			if (linep != NULL)
				*linep = l;
			goto out;
		}
		have_ev = 1;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			docstart = ev.start_mark.index;
			break;
		case YAML_DOCUMENT_END_EVENT:
			nd = reallocarray(s->docs, s->ndocs + 1,
			    sizeof(*s->docs));
			if (nd == NULL) {
				seterr(err, errlen, "out of memory");
				goto out;
			}
			s->docs = nd;
			s->docs[s->ndocs].start = docstart;
			s->docs[s->ndocs].end = ev.end_mark.index;
			s->docs[s->ndocs].root = root;
			s->ndocs++;
			root = NULL;
			break;
		case YAML_ALIAS_EVENT:
		case YAML_SCALAR_EVENT:
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (++s->nnodes > YAMLEDIT_MAX_NODES) {
				seterr(err, errlen, "line %zu: more than %d "
				    "nodes", ev.start_mark.line + 1,
				    YAMLEDIT_MAX_NODES);
				if (linep != NULL)
					*linep = ev.start_mark.line + 1;
				goto out;
			}
			if ((n = node_new(s, &ev)) == NULL) {
				seterr(err, errlen, "out of memory");
				goto out;
			}
			if (depth > 0) {
				if (node_addkid(stack[depth - 1], n) == -1) {
					node_free(n);
					seterr(err, errlen, "out of memory");
					goto out;
				}
			} else if (root == NULL)
				root = n;
			else {
				node_free(n);
				seterr(err, errlen, "two document roots");
				goto out;
			}
			if (ev.type == YAML_SEQUENCE_START_EVENT ||
			    ev.type == YAML_MAPPING_START_EVENT) {
				if (depth >= YAMLEDIT_MAX_DEPTH) {
					seterr(err, errlen, "line %zu: nesting "
					    "deeper than %d", n->line + 1,
					    YAMLEDIT_MAX_DEPTH);
					if (linep != NULL)
						*linep = n->line + 1;
					goto out;
				}
				stack[depth++] = n;
			}
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (depth == 0) {
				seterr(err, errlen, "unbalanced events");
				goto out;
			}
			n = stack[--depth];
			if (node_close(text, len, n, &ev, linep, err,
			    errlen) == -1)
				goto out;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
		have_ev = 0;
	}
	*out = s;
	s = NULL;
	rc = 0;
 out:
	if (have_ev)
		yaml_event_delete(&ev);
	/* A partial tree hangs off root until its document is stored. */
	node_free(root);
	yaml_parser_delete(&p);
	yamledit_free(s);
	return rc;
}

/* ---- lookups ---- */

size_t
yamledit_map_size(const struct yamledit_node *m)
{
	return m != NULL && m->type == YAMLEDIT_MAPPING ? m->nkids / 2 : 0;
}

struct yamledit_node *
yamledit_map_key(const struct yamledit_node *m, size_t i)
{
	return i < yamledit_map_size(m) ? m->kids[2 * i] : NULL;
}

struct yamledit_node *
yamledit_map_value(const struct yamledit_node *m, size_t i)
{
	return i < yamledit_map_size(m) ? m->kids[2 * i + 1] : NULL;
}

struct yamledit_node *
yamledit_map_get(const struct yamledit_node *m, const char *key)
{
	size_t	 i, n = yamledit_map_size(m), kl = strlen(key);

	for (i = 0; i < n; i++) {
		const struct yamledit_node *k = m->kids[2 * i];
		if (k->type == YAMLEDIT_SCALAR && k->len == kl &&
		    memcmp(k->value, key, kl) == 0)
			return m->kids[2 * i + 1];
	}
	return NULL;
}

size_t
yamledit_seq_size(const struct yamledit_node *s)
{
	return s != NULL && s->type == YAMLEDIT_SEQUENCE ? s->nkids : 0;
}

struct yamledit_node *
yamledit_seq_item(const struct yamledit_node *s, size_t i)
{
	return i < yamledit_seq_size(s) ? s->kids[i] : NULL;
}

int
yamledit_is_null(const struct yamledit_node *n)
{
	if (n == NULL)
		return 1;
	if (n->type != YAMLEDIT_SCALAR || !n->plain || n->tag != NULL)
		return 0;
	return n->len == 0 || strcmp(n->value, "~") == 0 ||
	    strcmp(n->value, "null") == 0 || strcmp(n->value, "Null") == 0 ||
	    strcmp(n->value, "NULL") == 0;
}

const char *
yamledit_str(const struct yamledit_node *n)
{
	if (n == NULL || n->type != YAMLEDIT_SCALAR || yamledit_is_null(n))
		return NULL;
	return n->value;
}

struct yamledit_node *
yamledit_key_of(const struct yamledit_node *n)
{
	size_t	 i;

	if (n == NULL || n->parent == NULL ||
	    n->parent->type != YAMLEDIT_MAPPING)
		return NULL;
	for (i = 1; i < n->parent->nkids; i += 2)
		if (n->parent->kids[i] == n)
			return n->parent->kids[i - 1];
	return NULL;
}

/* ---- conversion to JSON ---- */

static int
is_int(const char *s, long long *v)
{
	char	*end;

	if (*s == '\0' || strlen(s) > 20)
		return 0;
	if (!(isdigit((unsigned char)*s) ||
	    ((*s == '-' || *s == '+') && isdigit((unsigned char)s[1]))))
		return 0;
	errno = 0;
	*v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return 0;
	/* A leading zero is octal in YAML 1.1; keep such text a string. */
	if ((s[0] == '0' && s[1] != '\0') ||
	    ((s[0] == '-' || s[0] == '+') && s[1] == '0' && s[2] != '\0'))
		return 0;
	return 1;
}

static int
is_float(const char *s, double *v)
{
	char		*end;
	const char	*q;
	int		 digits = 0;

	if (*s == '\0' || strlen(s) > 64)
		return 0;
	for (q = s; *q != '\0'; q++) {
		if (isdigit((unsigned char)*q))
			digits++;
		else if (strchr("+-.eE", *q) == NULL)
			return 0;
	}
	if (digits == 0 || strchr(s, '.') == NULL)
		return 0;
	errno = 0;
	*v = strtod(s, &end);
	return errno == 0 && *end == '\0';
}

static json_t *
scalar_to_json(const struct yamledit_node *n, char *err, size_t errlen)
{
	const char	*v = n->value;
	long long	 iv;
	double		 dv;

	if (n->tag != NULL) {
		if (strcmp(n->tag, "tag:yaml.org,2002:str") == 0 ||
		    strcmp(n->tag, "!") == 0)
			return json_stringn(v, n->len);
		seterr(err, errlen, "line %zu: unsupported tag %.64s",
		    n->line + 1, n->tag);
		return NULL;
	}
	if (!n->plain)
		return json_stringn(v, n->len);
	if (yamledit_is_null(n))
		return json_null();
	if (strcmp(v, "true") == 0 || strcmp(v, "True") == 0 ||
	    strcmp(v, "TRUE") == 0)
		return json_true();
	if (strcmp(v, "false") == 0 || strcmp(v, "False") == 0 ||
	    strcmp(v, "FALSE") == 0)
		return json_false();
	if (is_int(v, &iv))
		return json_integer(iv);
	if (is_float(v, &dv))
		return json_real(dv);
	return json_stringn(v, n->len);
}

json_t *
yamledit_to_json(const struct yamledit_node *n, char *err, size_t errlen)
{
	json_t	*j, *k;
	size_t	 i;

	if (n == NULL)
		return json_null();
	switch (n->type) {
	case YAMLEDIT_ALIAS:
		seterr(err, errlen, "line %zu: YAML aliases are not supported "
		    "here", n->line + 1);
		return NULL;
	case YAMLEDIT_SCALAR:
		if ((j = scalar_to_json(n, err, errlen)) == NULL &&
		    err != NULL && *err == '\0')
			seterr(err, errlen, "line %zu: invalid scalar",
			    n->line + 1);
		return j;
	case YAMLEDIT_SEQUENCE:
		if ((j = json_array()) == NULL)
			goto oom;
		for (i = 0; i < n->nkids; i++) {
			if ((k = yamledit_to_json(n->kids[i], err, errlen)) ==
			    NULL) {
				json_decref(j);
				return NULL;
			}
			if (json_array_append_new(j, k) == -1) {
				json_decref(j);
				goto oom;
			}
		}
		return j;
	case YAMLEDIT_MAPPING:
		if ((j = json_object()) == NULL)
			goto oom;
		for (i = 0; i + 1 < n->nkids; i += 2) {
			const struct yamledit_node *key = n->kids[i];
			if (key->type != YAMLEDIT_SCALAR || key->tag != NULL ||
			    strlen(key->value) != key->len) {
				seterr(err, errlen, "line %zu: unsupported "
				    "mapping key", key->line + 1);
				json_decref(j);
				return NULL;
			}
			if ((k = yamledit_to_json(n->kids[i + 1], err,
			    errlen)) == NULL) {
				json_decref(j);
				return NULL;
			}
			if (json_object_set_new(j, key->value, k) == -1) {
				json_decref(j);
				seterr(err, errlen, "line %zu: bad key",
				    key->line + 1);
				return NULL;
			}
		}
		return j;
	}
 oom:
	seterr(err, errlen, "out of memory");
	return NULL;
}

/* ---- emission ---- */

int
yamledit_plain_ok(const char *s, size_t n)
{
	static const char *const special[] = {
		"true", "True", "TRUE", "false", "False", "FALSE", "null",
		"Null", "NULL", "~", "yes", "Yes", "YES", "no", "No", "NO",
		"on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N",
		"<<", "=", ".inf", ".Inf", ".INF", ".nan", ".NaN", ".NAN",
	};
	size_t		 i;
	long long	 iv;
	double		 dv;
	unsigned char	 c;

	if (n == 0 || strlen(s) != n)
		return 0;
	c = (unsigned char)s[0];
	/* "50Mi" reads as a string; numbers, dates, times, hex do not. */
	if (isdigit(c) && (c == '0' || strpbrk(s, ":-_.+eExXoObB") != NULL))
		return 0;
	/* "-ec" is fine, "- x", "-1", "---" are not. */
	if (c == '-') {
		if (n < 2 || !isalpha((unsigned char)s[1]))
			return 0;
	} else if (strchr("?:,[]{}#&*!|>'\"%@`+ ", c) != NULL)
		return 0;
	if (strncmp(s, "...", 3) == 0)
		return 0;
	if (s[n - 1] == ' ' || s[n - 1] == ':')
		return 0;
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c < 0x20 || c >= 0x7f)
			return 0;
		if (c == ':' && s[i + 1] == ' ')
			return 0;
		if (c == '#' && s[i - 1] == ' ')
			return 0;
		/* Flow indicators would end the scalar in flow context. */
		if (strchr(",[]{}", c) != NULL)
			return 0;
	}
	for (i = 0; i < sizeof(special) / sizeof(special[0]); i++)
		if (strcmp(s, special[i]) == 0)
			return 0;
	if (is_int(s, &iv) || is_float(s, &dv))
		return 0;
	return 1;
}

static int
emit_json_text(struct textbuf *b, const json_t *v)
{
	char	*t;

	t = json_dumps(v, JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
	if (t == NULL)
		return -1;
	textbuf_str(b, t);
	free(t);
	return 0;
}

static int
emit_scalar(struct textbuf *b, const json_t *v)
{
	if (json_is_string(v) &&
	    yamledit_plain_ok(json_string_value(v), json_string_length(v))) {
		textbuf_add(b, json_string_value(v), json_string_length(v));
		return 0;
	}
	return emit_json_text(b, v);
}

static int
is_empty_coll(const json_t *v)
{
	return (json_is_object(v) && json_object_size(v) == 0) ||
	    (json_is_array(v) && json_array_size(v) == 0);
}

static int	emit_block(struct textbuf *, const json_t *, size_t);

/* The part after "key:" in block style. */
static int
emit_after_key(struct textbuf *b, const json_t *v, size_t indent)
{
	if (json_is_object(v) || json_is_array(v)) {
		if (is_empty_coll(v)) {
			textbuf_str(b, json_is_object(v) ? " {}" : " []");
			return 0;
		}
		textbuf_str(b, "\n");
		textbuf_spaces(b, indent + 2);
		return emit_block(b, v, indent + 2);
	}
	textbuf_str(b, " ");
	return emit_scalar(b, v);
}

static int
emit_block(struct textbuf *b, const json_t *v, size_t indent)
{
	const char	*key;
	json_t		*val;
	size_t		 i;
	int		 first = 1;

	if (is_empty_coll(v)) {
		textbuf_str(b, json_is_object(v) ? "{}" : "[]");
		return 0;
	}
	if (json_is_object(v)) {
		json_object_foreach((json_t *)v, key, val) {
			if (!first) {
				textbuf_str(b, "\n");
				textbuf_spaces(b, indent);
			}
			first = 0;
			if (yamledit_plain_ok(key, strlen(key)))
				textbuf_str(b, key);
			else {
				json_t *k = json_string(key);
				if (k == NULL || emit_json_text(b, k) == -1) {
					json_decref(k);
					return -1;
				}
				json_decref(k);
			}
			textbuf_str(b, ":");
			if (emit_after_key(b, val, indent) == -1)
				return -1;
		}
		return 0;
	}
	if (json_is_array(v)) {
		json_array_foreach(v, i, val) {
			if (!first) {
				textbuf_str(b, "\n");
				textbuf_spaces(b, indent);
			}
			first = 0;
			textbuf_str(b, "- ");
			if (json_is_object(val) || json_is_array(val)) {
				if (emit_block(b, val, indent + 2) == -1)
					return -1;
			} else if (emit_scalar(b, val) == -1)
				return -1;
		}
		return 0;
	}
	return emit_scalar(b, v);
}

char *
yamledit_emit(const json_t *v, int flow, size_t indent, size_t *lenp)
{
	struct textbuf	 b = { 0 };
	int		 rc;

	rc = flow ? emit_json_text(&b, v) : emit_block(&b, v, indent);
	if (rc == -1) {
		free(b.p);
		return NULL;
	}
	return textbuf_take(&b, lenp);
}

/* ---- edits ---- */

void
yamledit_edits_init(struct yamledit_edits *ed)
{
	memset(ed, 0, sizeof(*ed));
}

void
yamledit_edits_free(struct yamledit_edits *ed)
{
	size_t	 i;

	for (i = 0; i < ed->n; i++)
		free(ed->e[i].text);
	free(ed->e);
	memset(ed, 0, sizeof(*ed));
}

static int
edits_add_prio(struct yamledit_edits *ed, size_t off, size_t dellen,
    char *text, size_t len, long prio)
{
	struct yamledit_edit	*ne;
	size_t			 ncap;

	if (ed->n == ed->cap) {
		ncap = ed->cap ? ed->cap * 2 : 16;
		if ((ne = reallocarray(ed->e, ncap, sizeof(*ne))) == NULL) {
			free(text);
			return -1;
		}
		ed->e = ne;
		ed->cap = ncap;
	}
	ed->e[ed->n].off = off;
	ed->e[ed->n].dellen = dellen;
	ed->e[ed->n].text = text;
	ed->e[ed->n].len = len;
	ed->e[ed->n].prio = prio;
	ed->e[ed->n].seq = ed->n;
	ed->n++;
	return 0;
}

static int
edits_add_owned(struct yamledit_edits *ed, size_t off, size_t dellen,
    char *text, size_t len)
{
	return edits_add_prio(ed, off, dellen, text, len, 0);
}

int
yamledit_splice(struct yamledit_edits *ed, size_t off, size_t dellen,
    const char *text, size_t len)
{
	char	*t;

	if ((t = malloc(len + 1)) == NULL)
		return -1;
	memcpy(t, text, len);
	t[len] = '\0';
	return edits_add_owned(ed, off, dellen, t, len);
}

/* Appends at one offset go deepest container first. */
static long
depth_prio(const struct yamledit_node *n)
{
	long	 d = 0;

	for (; n != NULL; n = n->parent)
		d++;
	return -d;
}

static int
in_flow(const struct yamledit_node *n)
{
	for (n = n->parent; n != NULL; n = n->parent)
		if (n->flow)
			return 1;
	return 0;
}

/* End of a node for replacement: without a block scalar's final newlines. */
static size_t
span_end(const struct yamledit_stream *s, const struct yamledit_node *n)
{
	size_t	 e = n->end;

	while (e > n->start && (s->text[e - 1] == '\n' ||
	    s->text[e - 1] == '\r' || s->text[e - 1] == ' '))
		e--;
	return e;
}

int
yamledit_set(struct yamledit_edits *ed, const struct yamledit_stream *s,
    const struct yamledit_node *n, const json_t *v, char *err, size_t errlen)
{
	struct textbuf		 b = { 0 };
	const struct yamledit_node *key;
	size_t			 start = n->start, end = span_end(s, n), len;
	char			*t;
	int			 rc = 0;

	if (n->parent == NULL) {
		seterr(err, errlen, "line %zu: cannot replace a document root",
		    n->line + 1);
		return -1;
	}
	if (in_flow(n) || (!json_is_object(v) && !json_is_array(v)) ||
	    is_empty_coll(v)) {
		/* Inline: a scalar, an empty collection, or flow context. */
		if (in_flow(n))
			rc = emit_json_text(&b, v);
		else
			rc = emit_block(&b, v, n->col);
	} else if ((n->type == YAMLEDIT_MAPPING ||
	    n->type == YAMLEDIT_SEQUENCE) && !n->flow) {
		/* A block collection: starts at its first key or dash. */
		rc = emit_block(&b, v, n->col);
	} else if (n->parent->type == YAMLEDIT_SEQUENCE) {
		/* "- scalar" becomes "- k: v" at the item's column. */
		rc = emit_block(&b, v, n->col);
	} else {
		/* "key: scalar" becomes "key:\n  k: v". */
		key = yamledit_key_of(n);
		if (key == NULL) {
			seterr(err, errlen, "line %zu: cannot replace value",
			    n->line + 1);
			return -1;
		}
		while (start > 0 && s->text[start - 1] == ' ')
			start--;
		textbuf_str(&b, "\n");
		textbuf_spaces(&b, key->col + 2);
		rc = emit_block(&b, v, key->col + 2);
	}
	if (rc == -1 || (t = textbuf_take(&b, &len)) == NULL) {
		free(b.p);
		seterr(err, errlen, "out of memory");
		return -1;
	}
	if (edits_add_owned(ed, start, end - start, t, len) == -1) {
		seterr(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

int
yamledit_map_prepend(struct yamledit_edits *ed,
    const struct yamledit_stream *s, const struct yamledit_node *m,
    const char *key, const json_t *v, char *err, size_t errlen)
{
	struct textbuf	 b = { 0 };
	json_t		*jk;
	size_t		 off, len;
	char		*t;
	int		 rc = 0;

	if (m->type != YAMLEDIT_MAPPING) {
		seterr(err, errlen, "line %zu: not a mapping", m->line + 1);
		return -1;
	}
	if (m->flow) {
		off = m->start + 1;
		if ((jk = json_string(key)) == NULL)
			rc = -1;
		else {
			rc = emit_json_text(&b, jk);
			json_decref(jk);
		}
		textbuf_str(&b, ": ");
		if (rc == 0)
			rc = emit_json_text(&b, v);
		if (m->nkids > 0)
			textbuf_str(&b, ", ");
	} else {
		const struct yamledit_node *k0 = m->kids[0];
		json_t *o = json_object();

		off = k0->start;
		if (o == NULL || json_object_set(o, key, (json_t *)v) == -1)
			rc = -1;
		else
			rc = emit_block(&b, o, k0->col);
		json_decref(o);
		textbuf_str(&b, "\n");
		textbuf_spaces(&b, k0->col);
	}
	if (rc == -1 || (t = textbuf_take(&b, &len)) == NULL) {
		free(b.p);
		seterr(err, errlen, "out of memory");
		return -1;
	}
	(void)s;
	if (edits_add_owned(ed, off, 0, t, len) == -1) {
		seterr(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

int
yamledit_seq_insert(struct yamledit_edits *ed,
    const struct yamledit_stream *s, const struct yamledit_node *q,
    size_t idx, const json_t *v, char *err, size_t errlen)
{
	struct textbuf	 b = { 0 };
	size_t		 off, len, c;
	long		 prio = 0;
	char		*t;
	int		 rc = 0;

	if (q->type != YAMLEDIT_SEQUENCE || idx > q->nkids) {
		seterr(err, errlen, "line %zu: not a sequence", q->line + 1);
		return -1;
	}
	if (q->flow) {
		if (idx < q->nkids) {
			off = q->kids[idx]->start;
			rc = emit_json_text(&b, v);
			textbuf_str(&b, ", ");
		} else if (q->nkids == 0) {
			off = q->start + 1;
			rc = emit_json_text(&b, v);
		} else {
			off = q->kids[q->nkids - 1]->end;
			textbuf_str(&b, ", ");
			rc = emit_json_text(&b, v);
		}
	} else {
		c = q->col;
		if (idx < q->nkids) {
			off = q->dash[idx];
			textbuf_str(&b, "- ");
			rc = emit_block(&b, v, c + 2);
			textbuf_str(&b, "\n");
			textbuf_spaces(&b, c);
		} else {
			/* After the line holding the last item's end. */
			prio = depth_prio(q);
			off = span_end(s, q->kids[q->nkids - 1]);
			while (off < s->len && s->text[off] != '\n')
				off++;
			if (off < s->len) {
				off++;
				textbuf_spaces(&b, c);
				textbuf_str(&b, "- ");
				rc = emit_block(&b, v, c + 2);
				textbuf_str(&b, "\n");
			} else {
				textbuf_str(&b, "\n");
				textbuf_spaces(&b, c);
				textbuf_str(&b, "- ");
				rc = emit_block(&b, v, c + 2);
			}
		}
	}
	if (rc == -1 || (t = textbuf_take(&b, &len)) == NULL) {
		free(b.p);
		seterr(err, errlen, "out of memory");
		return -1;
	}
	if (edits_add_prio(ed, off, 0, t, len, prio) == -1) {
		seterr(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

int
yamledit_map_append(struct yamledit_edits *ed,
    const struct yamledit_stream *s, const struct yamledit_node *m,
    const char *key, const json_t *v, char *err, size_t errlen)
{
	struct textbuf	 b = { 0 };
	json_t		*o;
	size_t		 off, len, c;
	char		*t;
	int		 rc = 0;

	if (m->type != YAMLEDIT_MAPPING) {
		seterr(err, errlen, "line %zu: not a mapping", m->line + 1);
		return -1;
	}
	if (m->flow || m->nkids == 0)
		return yamledit_map_prepend(ed, s, m, key, v, err, errlen);
	c = m->kids[0]->col;
	off = span_end(s, m->kids[m->nkids - 1]);
	while (off < s->len && s->text[off] != '\n')
		off++;
	if ((o = json_object()) == NULL ||
	    json_object_set(o, key, (json_t *)v) == -1) {
		json_decref(o);
		seterr(err, errlen, "out of memory");
		return -1;
	}
	if (off < s->len) {
		off++;
		textbuf_spaces(&b, c);
		rc = emit_block(&b, o, c);
		textbuf_str(&b, "\n");
	} else {
		textbuf_str(&b, "\n");
		textbuf_spaces(&b, c);
		rc = emit_block(&b, o, c);
	}
	json_decref(o);
	if (rc == -1 || (t = textbuf_take(&b, &len)) == NULL) {
		free(b.p);
		seterr(err, errlen, "out of memory");
		return -1;
	}
	if (edits_add_prio(ed, off, 0, t, len, depth_prio(m)) == -1) {
		seterr(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

static int
edit_cmp(const void *a, const void *b)
{
	const struct yamledit_edit *x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	/* At one offset: pure insertions first, in the order made. */
	if ((x->dellen == 0) != (y->dellen == 0))
		return x->dellen == 0 ? -1 : 1;
	if (x->prio != y->prio)
		return x->prio < y->prio ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int
yamledit_apply(const char *text, size_t len, const struct yamledit_edits *ed,
    char **out, size_t *outlen, char *err, size_t errlen)
{
	struct yamledit_edit	*e;
	struct textbuf		 b = { 0 };
	size_t			 i, pos = 0;

	*out = NULL;
	if (ed->n > 0) {
		if ((e = calloc(ed->n, sizeof(*e))) == NULL) {
			seterr(err, errlen, "out of memory");
			return -1;
		}
		memcpy(e, ed->e, ed->n * sizeof(*e));
		qsort(e, ed->n, sizeof(*e), edit_cmp);
	} else
		e = NULL;
	for (i = 0; i < ed->n; i++) {
		if (e[i].off < pos || e[i].off > len ||
		    e[i].dellen > len - e[i].off) {
			seterr(err, errlen, "overlapping edits at byte %zu",
			    e[i].off);
			free(e);
			free(b.p);
			return -1;
		}
		textbuf_add(&b, text + pos, e[i].off - pos);
		textbuf_add(&b, e[i].text, e[i].len);
		pos = e[i].off + e[i].dellen;
	}
	textbuf_add(&b, text + pos, len - pos);
	free(e);
	if ((*out = textbuf_take(&b, outlen)) == NULL) {
		seterr(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}
