/*
 * A comment-preserving YAML editor.
 *
 * yamledit_parse() builds a node tree from libyaml's events, keeping for
 * every node its byte span in the original text.  Edits are splices
 * against that text (replace a span, insert before a key or an item), so
 * everything not edited -- comments, key order, quoting, odd indentation,
 * untouched documents -- stays byte-identical.  New values are given as
 * jansson values and emitted in the style of their surroundings: block
 * YAML inside block collections, JSON-like flow text inside flow ones
 * (so a JSON document stays JSON).
 *
 * Input is untrusted: nesting depth, node count and scalar sizes are
 * bounded, duplicate mapping keys are an error (kubectl refuses them too,
 * and a policy generator reading another value than Kubernetes would be
 * a hole).  Aliases parse but cannot be converted to JSON (callers that
 * interpret a document refuse them).
 */
#ifndef CONTRAST_YAMLEDIT_H
#define CONTRAST_YAMLEDIT_H

#include <stddef.h>

#include <jansson.h>

#define YAMLEDIT_MAX_DEPTH	64
#define YAMLEDIT_MAX_NODES	(4 * 1024 * 1024)
#define YAMLEDIT_ERR_LEN	256

enum yamledit_type {
	YAMLEDIT_SCALAR,
	YAMLEDIT_MAPPING,
	YAMLEDIT_SEQUENCE,
	YAMLEDIT_ALIAS
};

struct yamledit_node {
	enum yamledit_type	 type;
	int			 flow;	/* collection in flow style ({}, []) */
	int			 plain;	/* scalar in plain style */
	int			 block;	/* scalar in literal/folded style */
	size_t			 start;	/* byte offset of the first byte */
	size_t			 end;	/* one past the last byte */
	size_t			 line;	/* 0-based */
	size_t			 col;	/* 0-based */
	char			*tag;	/* explicit tag or NULL */
	char			*value;	/* scalar text (NUL-terminated) */
	size_t			 len;	/* scalar length */
	/* Mapping: key0, value0, key1, value1...; sequence: the items. */
	struct yamledit_node	**kids;
	size_t			 nkids;
	size_t			 kcap;
	/* Block sequence: offset of each item's '-'. */
	size_t			*dash;
	struct yamledit_node	*parent;
};

struct yamledit_doc {
	size_t			 start;	/* first byte of the document */
	size_t			 end;	/* one past its last byte */
	struct yamledit_node	*root;	/* NULL for an empty document */
};

struct yamledit_stream {
	const char		*text;	/* borrowed; must outlive the stream */
	size_t			 len;
	struct yamledit_doc	*docs;
	size_t			 ndocs;
	size_t			 nnodes;
	void			*arena;	/* nodes and scalars live here */
};

/*
 * Parse a YAML stream.  On error returns -1 and "line N: problem" (1-based)
 * in err; *linep (if not NULL) gets the 1-based line.
 */
int	 yamledit_parse(const char *, size_t, struct yamledit_stream **,
	    size_t *, char *, size_t);
void	 yamledit_free(struct yamledit_stream *);

/* Lookups; NULL when absent or of another type. */
struct yamledit_node *
	 yamledit_map_get(const struct yamledit_node *, const char *);
size_t	 yamledit_map_size(const struct yamledit_node *);
struct yamledit_node *
	 yamledit_map_key(const struct yamledit_node *, size_t);
struct yamledit_node *
	 yamledit_map_value(const struct yamledit_node *, size_t);
size_t	 yamledit_seq_size(const struct yamledit_node *);
struct yamledit_node *
	 yamledit_seq_item(const struct yamledit_node *, size_t);
/* The scalar's text, or NULL for non-scalars and nulls. */
const char *
	 yamledit_str(const struct yamledit_node *);
/* 1 if the node is absent, or a plain null scalar ("", ~, null). */
int	 yamledit_is_null(const struct yamledit_node *);
/* The key node whose value is n (n's parent is a mapping), or NULL. */
struct yamledit_node *
	 yamledit_key_of(const struct yamledit_node *);

/*
 * Convert a node to JSON with YAML 1.1 core scalar resolution (plain
 * true/false/null/integers/floats, everything quoted is a string).
 * Aliases, non-scalar keys and unknown tags are errors naming the line.
 */
json_t	*yamledit_to_json(const struct yamledit_node *, char *, size_t);

/* Edits against one stream's text. */
struct yamledit_edit {
	size_t	 off;
	size_t	 dellen;
	char	*text;
	size_t	 len;
	long	 prio;		/* equal offsets: lower first */
	size_t	 seq;		/* then insertion order */
};

struct yamledit_edits {
	struct yamledit_edit	*e;
	size_t			 n;
	size_t			 cap;
};

void	 yamledit_edits_init(struct yamledit_edits *);
void	 yamledit_edits_free(struct yamledit_edits *);
/* Raw splice: replace dellen bytes at off with text. */
int	 yamledit_splice(struct yamledit_edits *, size_t, size_t, const char *,
	    size_t);
/* Replace node n by value v. */
int	 yamledit_set(struct yamledit_edits *, const struct yamledit_stream *,
	    const struct yamledit_node *, const json_t *, char *, size_t);
/* Insert key: v as the first entry of mapping m. */
int	 yamledit_map_prepend(struct yamledit_edits *,
	    const struct yamledit_stream *, const struct yamledit_node *,
	    const char *, const json_t *, char *, size_t);
/*
 * Insert key: v as the last entry of mapping m.  Appends at one offset are
 * ordered deepest first, so an item appended to a sequence that ends the
 * mapping stays inside it.
 */
int	 yamledit_map_append(struct yamledit_edits *,
	    const struct yamledit_stream *, const struct yamledit_node *,
	    const char *, const json_t *, char *, size_t);
/* Insert v as item idx (0..size) of sequence s. */
int	 yamledit_seq_insert(struct yamledit_edits *,
	    const struct yamledit_stream *, const struct yamledit_node *, size_t,
	    const json_t *, char *, size_t);
/*
 * Apply the edits to text; overlapping edits are an error.  *out is
 * NUL-terminated and freshly allocated.
 */
int	 yamledit_apply(const char *, size_t, const struct yamledit_edits *,
	    char **, size_t *, char *, size_t);

/*
 * Emit v as YAML.  Block style: the first line is not indented (the
 * caller is positioned), following lines are at indent; no final newline.
 * Flow style: one line of JSON.
 */
char	*yamledit_emit(const json_t *, int, size_t, size_t *);
/* 1 if s can be written as a plain scalar and reads back as that string. */
int	 yamledit_plain_ok(const char *, size_t);

#endif
