/*
 * Channels between the coordinator's processes: one
 * socketpair(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC) per child, frames as in
 * msg.h, at most one fd per frame (SCM_RIGHTS), and the per-receiver
 * dispatch tables that decide, in ONE place and before any handler runs,
 * whether a frame is acceptable.  Anything unacceptable from an internal
 * peer is fatal in the receiver (one log line: receiver, peer, message).
 *
 * Typical child loop (the parent does the same for each child channel):
 *
 *	static const struct msg_rule front_rules[] = {
 *	  { MSG_PARENT_STATUS_OK, PROC_PARENT, FS_RUNNING, MSGF_REPLY, 0,
 *	    front_dispatch_status },
 *	  { MSG_PARENT_SHUTDOWN,  PROC_PARENT, FS_ANY,     MSGF_ONCE,  0,
 *	    front_dispatch_shutdown },
 *	};
 *	c = ipc_chan_new(3, PROC_PARENT, IPC_MAXLEN_DEFAULT, err, sizeof(err));
 *	...poll(fd, POLLIN | (ipc_pending(c) ? POLLOUT : 0))...
 *	if (revents & POLLIN)
 *		if (ipc_dispatch(c, front_rules, nitems(front_rules),
 *		    &state, arg) == 0)
 *			... parent closed: exit ...
 *	if (revents & POLLOUT) ipc_flush(c, ...);
 *
 * Channels are non-blocking: ipc_chan_new() sets O_NONBLOCK.
 */
#ifndef PRIVSEP_IPC_H
#define PRIVSEP_IPC_H

#include <stddef.h>
#include <stdint.h>

#include "msg.h"
#include "msgtypes.h"

#define IPC_MAXLEN_DEFAULT	(64 * 1024)	/* control-only channels */
#define IPC_MAXLEN_FRONT	MSG_MAXLEN_BIG	/* front <-> parent (manifests) */
#define IPC_MAXLEN_VERIFIER	MSG_MAXLEN_BIG	/* parent <-> verifier (manifest
						 * check) */
#define IPC_MAXLEN_CA		(2 * 1024 * 1024) /* parent <-> ca (seed shares) */
#define IPC_MAXREQ		4096		/* outstanding requests/channel */
#define IPC_MAXQUEUED		(32 * 1024 * 1024) /* bytes queued to write:
						 * two of the biggest frames */
#define IPC_DISPATCH_BATCH	64		/* frames per ipc_dispatch() */
#define IPC_RBUF		(16 * 1024)	/* read-ahead per channel */

/* msg_rule.flags */
#define MSGF_ONCE	0x01	/* at most once per channel lifetime */
#define MSGF_FD		0x02	/* exactly one fd must come with it */
#define MSGF_SECRET	0x04	/* zero the frame after use (also MSGT_SECRET) */
#define MSGF_REPLY	0x08	/* answers an outstanding reqid on this chan */

struct ipc_chan;

/*
 * Handler of one message.  Called only after the frame passed every check
 * of its rule; m is in fatal mode (getters do not return on error).  The
 * handler must consume every body field (msg_end()); ipc_dispatch() checks
 * that after it returns.  m->fd (MSGF_FD rules) now belongs to the
 * handler: it must close or keep it.
 */
typedef void	(*msg_handler)(struct ipc_chan *, struct msg *, void *);

struct msg_rule {
	uint32_t	 type;		/* enum msg_type */
	int		 from;		/* enum proc_id of the only sender */
	uint32_t	 states;	/* receiver states (bitmask) allowing it */
	uint32_t	 flags;		/* MSGF_* */
	size_t		 maxlen;	/* 0: the type's maxlen; else tighter */
	msg_handler	 handler;
};

/*
 * Create a channel over a connected socket (non-blocking is set here).
 * peer: who is at the other end; maxlen: cap of frames in both directions
 * (<= msg types' own caps still apply).  NULL with err on failure.  The
 * channel owns fd from then on.
 */
struct ipc_chan	*ipc_chan_new(int, int, size_t, char *, size_t);
/*
 * A channel that may receive fds (MSGF_FD rules).  Others read ahead, up
 * to IPC_RBUF bytes per recvmsg, and refuse any fd; this one reads each
 * frame exactly, so that an fd arrives with the frame it was sent with.
 */
void		 ipc_chan_pass_fds(struct ipc_chan *);
/* Close fd, drop queued frames (zeroed), free everything. NULL is ok. */
void		 ipc_chan_free(struct ipc_chan *);
int		 ipc_chan_fd(const struct ipc_chan *);
int		 ipc_chan_peer(const struct ipc_chan *);

/* Result of ipc_recv_frame(). */
#define IPC_FRAME	1	/* a complete frame is in *frame */
#define IPC_AGAIN	0	/* need more bytes (EAGAIN) */
#define IPC_EOF		(-1)	/* peer closed at a frame boundary, or
				 * reset the channel by dying */
#define IPC_ERROR	(-2)	/* err says why (read error, bad length,
				 * EOF mid-frame, MSG_CTRUNC, 2 fds...) */

/*
 * Non-fatal reader.  Reads what the socket has: on an fd-passing channel
 * never past the current frame, so an fd always arrives with the frame
 * it was sent with; otherwise up to IPC_RBUF bytes ahead, which the next
 * calls consume first (zeroed once consumed).  On IPC_FRAME, *frame is a
 * malloc'd buffer of exactly *len bytes that the caller owns
 * (msg_freezero() it when it may hold secrets) and *fd the fd received
 * with it or -1.  The length is checked against the channel cap before
 * the frame buffer is allocated.  After IPC_ERROR the stream cannot be
 * resynchronised: free the channel.
 */
int	ipc_recv_frame(struct ipc_chan *, uint8_t **, size_t *, int *,
	    char *, size_t);

/*
 * Non-fatal rule check of one decoded frame (m from msg_decode() with
 * msg_types) received on c while the receiver is in state: finds the rule
 * (unknown type, wrong sender, wrong state, over rule maxlen, ONCE twice,
 * fd on a non-MSGF_FD type or missing, reply to an unknown reqid or with
 * the wrong type/gen).  On success returns the rule, and has recorded the
 * side effects (ONCE seen, reqid consumed).  NULL with err on violation.
 */
const struct msg_rule *ipc_check(struct ipc_chan *, const struct msg_rule *,
	    size_t, uint32_t, const struct msg *, char *, size_t);

/*
 * Fatal receiver: read and handle every frame available now.  Each frame
 * is decoded, checked against rules in the state *state (read per frame,
 * so a handler can change it for the next one), and handed to its handler;
 * any violation or channel error is fatalx() with one line.  Frames of
 * MSGF_SECRET rules or MSGT_SECRET types are zeroed after the handler.
 * Returns 1 when the socket has nothing more for now or after
 * IPC_DISPATCH_BATCH frames (so one busy peer cannot starve the others;
 * poll again), 0 when the peer closed the channel at a frame boundary
 * (the caller decides: e.g. "lost child").  Every received fd not taken
 * by a handler is closed.  Handlers must not free the channel.
 */
int	ipc_dispatch(struct ipc_chan *, const struct msg_rule *, size_t,
	    const uint32_t *, void *);

/*
 * Requests needing an answer (MSGF_REPLY): allocate a fresh reqid (never
 * 0) for a request of the given type under generation gen; the reply
 * must carry it, the same gen, and a type whose msg_typeinfo.answers is
 * reqtype (or a type flagged MSGT_ANYREQ, which answers any request).
 * 0 when IPC_MAXREQ requests are outstanding.
 */
uint32_t ipc_request_new(struct ipc_chan *, uint32_t, uint64_t);
/* Forget an outstanding reqid (timeout, cancel): 0, or -1 if unknown. */
int	ipc_request_forget(struct ipc_chan *, uint32_t);
/* Number of outstanding requests. */
size_t	ipc_request_count(const struct ipc_chan *);

/*
 * Writing.  ipc_queue() finishes o (msg_out_finish) and takes its buffer
 * (o->buf becomes NULL; msg_out_free(o) stays safe).  If fd >= 0 the
 * channel takes it, sends it with the frame's first byte and closes it
 * once sent (or when the channel is freed).  -1 with err when the frame
 * is bad, over the channel cap, or the queue already holds IPC_MAXQUEUED
 * bytes (a peer that stops reading); fd is closed then too.  The queued
 * copy is zeroed when freed if o->secret (set from MSGT_SECRET; a caller
 * may set it for any frame).
 */
int	ipc_queue(struct ipc_chan *, struct msg_out *, int, char *, size_t);
/* Write what the socket takes now: 1 when all is written, 0 when frames
 * remain (poll for POLLOUT), -1 on error (err; EPIPE when peer is gone). */
int	ipc_flush(struct ipc_chan *, char *, size_t);
/* ipc_queue() then write everything, waiting with poll(2). 0 or -1. */
int	ipc_send(struct ipc_chan *, struct msg_out *, int, char *, size_t);
/* Frames queued and not yet fully written. */
size_t	ipc_pending(const struct ipc_chan *);

/* Counters, e.g. for metrics and for tests ("no allocation happened"). */
struct ipc_stats {
	uint64_t	 frames_in;
	uint64_t	 frames_out;
	uint64_t	 rx_alloc;	/* frame buffers allocated by the reader */
	uint64_t	 rx_alloc_bytes;
};
const struct ipc_stats *ipc_chan_stats(const struct ipc_chan *);

#endif
