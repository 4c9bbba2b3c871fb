/*
 * Frames and msgpack decoding/encoding for the internal channels and,
 * through the non-fatal entry points, for the client protocol.
 *
 * Wire format: u32 big-endian length, then exactly that many bytes holding
 * ONE msgpack array [type:uint, reqid:uint, gen:uint, body:array] whose
 * body arity is exact per type.  msgpack-c has no limits of its own (a
 * five-byte "dd ff ff ff ff" makes it allocate ~96 GiB), so every frame
 * is first walked by msg_prescan(), which bounds every count and length
 * by the bytes actually present and the nesting depth by MSG_MAXDEPTH.
 *
 * Two modes, one code path:
 *  - non-fatal: msg_decode() and the msg_get_*() getters return -1 and
 *    keep the first error in the msg (msg_errstr()).  For network bytes:
 *    the front drops the client, it does not die.
 *  - fatal: a msg prepared by ipc_dispatch() (peer != -1) makes every
 *    failing getter call fatalx() with one line naming the receiving
 *    process (log prefix), the peer and the message name:
 *      verifier: fatal: protocol violation from parent: MSG_X: wrong arity (got 3, want 4)
 *
 * Strings and bins in the unpacked frame point into the frame and are not
 * NUL terminated: the getters copy them out.  Copies the caller receives
 * are its own; those from MSGT_SECRET frames must be freed with
 * msg_freezero()/msg_free_bin_array(.., 1).
 */
#ifndef PRIVSEP_MSG_H
#define PRIVSEP_MSG_H

#include <stddef.h>
#include <stdint.h>

#include <msgpack.h>

#include "msgtypes.h"

#define MSG_HDRLEN	4		/* the u32 length prefix */
#define MSG_MAXDEPTH	8		/* envelope array is depth 1 */
#define MSG_ERRLEN	256

/* A decoded frame and the cursor over its body. */
struct msg {
	uint32_t		 type;
	uint32_t		 reqid;
	uint64_t		 gen;
	int			 fd;		/* fd passed with the frame, or -1 */
	size_t			 len;		/* frame length (no prefix) */
	const struct msg_typeinfo *info;	/* NULL when decoded without table */

	/* private to msg.c / ipc.c */
	int			 peer;		/* fatal mode when >= 0 */
	int			 secret;	/* zero copies made from it */
	int			 decoded;	/* unpacked must be destroyed */
	msgpack_unpacked	 unpacked;
	const msgpack_object	*body;
	uint32_t		 nfields;
	uint32_t		 pos;		/* next body field */
	char			 err[MSG_ERRLEN];	/* first error, "" if none */
};

/* An item of an array of bin (msg_get_bin_array, msg_put_bin_array). */
struct msg_bin {
	uint8_t		*data;
	size_t		 len;
};

/*
 * Length prefix: decode hdr[0..3]; 0 on success with *len set.  -1 (and
 * err) when the length is 0 or larger than max.  Call this BEFORE
 * allocating anything for the frame.
 */
int	msg_frame_len(const uint8_t *, size_t, size_t *, char *, size_t);

/*
 * Linear walk over one msgpack object filling buf[0..len): every declared
 * array/map count (all pending elements together) and str/bin length must
 * fit in the bytes left, depth <= maxdepth, no ext types, no reserved
 * byte 0xc1, and the object ends exactly at len.  0 or -1 with err (the
 * message names the offset).
 */
int	msg_prescan(const uint8_t *, size_t, int, char *, size_t);

/*
 * Non-fatal decode: prescan, msgpack_unpack_next() must return SUCCESS
 * and consume the frame exactly, envelope is [uint<=u32, uint<=u32, uint,
 * array].  With a table (tab != NULL): the type must have an entry, the
 * frame fit its maxlen and the body its arity; the MSGT_REQ/REPLY reqid
 * rules hold (non-zero for both, zero otherwise).  The msg refers into
 * frame, which must outlive it.  m->fd is set to -1.  Returns 0, or -1
 * with err filled (also copied to m->err); msg_clear() in both cases.
 */
int	msg_decode(struct msg *, const struct msg_typeinfo *, size_t,
	    const uint8_t *, size_t, char *, size_t);

/* Release what msg_decode() allocated (not the frame, not m->fd). */
void	msg_clear(struct msg *);

/* First error recorded on the msg, "" when none. */
const char *msg_errstr(const struct msg *);

/*
 * Typed getters, consuming one body field each.  0 on success; -1 when
 * the field is missing or has the wrong type/size, in non-fatal mode (in
 * fatal mode they do not return).  Errors are sticky: after one failure
 * every getter fails.  Outputs are untouched on failure.
 */
int	msg_get_u32(struct msg *, uint32_t *);
int	msg_get_u64(struct msg *, uint64_t *);
int	msg_get_bool(struct msg *, int *);
/* str -> malloc'd NUL-terminated copy; at most max bytes, no NUL inside */
int	msg_get_str(struct msg *, char **, size_t);
/* str into buf[bufsz] (at most bufsz-1 bytes), no NUL inside */
int	msg_get_strbuf(struct msg *, char *, size_t);
/* bin -> malloc'd copy (at least one byte allocated), at most max bytes */
int	msg_get_bin(struct msg *, uint8_t **, size_t *, size_t);
/* bin of exactly len bytes into out */
int	msg_get_fixbin(struct msg *, void *, size_t);
/* array of str: at most maxcount items of at most maxlen bytes each;
 * *out is a malloc'd vector of *count malloc'd strings (NULL if 0) */
int	msg_get_str_array(struct msg *, char ***, size_t *, size_t, size_t);
/* array of bin, same limits; *out NULL when *count == 0 */
int	msg_get_bin_array(struct msg *, struct msg_bin **, size_t *, size_t,
	    size_t);
/* All body fields consumed: 0, else -1 ("N unread fields"). */
int	msg_end(struct msg *);

/* Record an error on the msg (fatal mode: fatalx). For handlers' own
 * semantic checks, so they log the same way. */
int	msg_error(struct msg *, const char *, ...)
	    __attribute__((__format__ (printf, 2, 3)));

void	msg_free_str_array(char **, size_t);
void	msg_free_bin_array(struct msg_bin *, size_t, int);
/* explicit_bzero(p, len) then free(p). */
void	msg_freezero(void *, size_t);

/*
 * Encoding into one buffer.  A type that carries secrets (MSGT_SECRET)
 * gets its whole capacity at once and is never realloc'd, so it leaves
 * no stale copies: msg_out_free() zeroes it.  Other types start at
 * MSG_OUT_FIRST bytes and grow up to their capacity, so that a small
 * frame of a type sized for the worst case costs no large allocation.
 *
 *	struct msg_out o;
 *	if (msg_out_init(&o, MSG_PARENT_STATUS_OK, reqid, gen) == -1) ...
 *	msg_put_u32(&o, state);
 *	msg_put_u64(&o, gen);
 *	ipc_queue(chan, &o, -1, err, sizeof(err));	(or msg_out_finish)
 *
 * Capacity is the type's maxlen from msg_types[] (msg_out_init_table()
 * for another table or a tighter cap; msg_out_init_cap() sizes a secret
 * frame to what it will hold).  Put errors are sticky and reported by
 * msg_out_finish(), which also checks the body arity.
 */
#define MSG_OUT_FIRST	4096
/* Bytes of a frame besides its fields' payloads: envelope and headers. */
#define MSG_OUT_SLACK(nfields)	(32 + 9 * (size_t)(nfields))

struct msg_out {
	uint8_t		*buf;		/* MSG_HDRLEN prefix + frame */
	size_t		 cap;		/* bytes allocated for the frame */
	size_t		 limit;		/* most bytes the frame may take */
	size_t		 len;		/* frame bytes written */
	uint32_t	 type;
	const char	*name;		/* of the type, for errors */
	uint32_t	 nfields;	/* body fields written */
	uint32_t	 want;		/* body arity of the type */
	int		 secret;
	int		 finished;
	char		 err[MSG_ERRLEN];
	msgpack_packer	 pk;
};

int	msg_out_init(struct msg_out *, uint32_t, uint32_t, uint64_t);
int	msg_out_init_cap(struct msg_out *, uint32_t, uint32_t, uint64_t,
	    size_t);
int	msg_out_init_table(struct msg_out *, const struct msg_typeinfo *,
	    size_t, size_t, uint32_t, uint32_t, uint64_t);
int	msg_put_u32(struct msg_out *, uint32_t);
int	msg_put_u64(struct msg_out *, uint64_t);
int	msg_put_bool(struct msg_out *, int);
int	msg_put_str(struct msg_out *, const char *);
int	msg_put_bin(struct msg_out *, const void *, size_t);
int	msg_put_str_array(struct msg_out *, char * const *, size_t);
int	msg_put_bin_array(struct msg_out *, const struct msg_bin *, size_t);
/*
 * Check arity and errors, write the length prefix.  0 and then
 * o->buf[0 .. MSG_HDRLEN + o->len) is the complete frame; -1 with err.
 */
int	msg_out_finish(struct msg_out *, char *, size_t);
/* Zero (when secret) and free the buffer; safe to call twice. */
void	msg_out_free(struct msg_out *);

#endif
