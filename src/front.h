/*
 * The front's internals (front*.c).  The front is the only process that
 * reads bytes from the network: it accepts on the sockets the parent
 * opened, terminates TLS with an ephemeral key, speaks the client
 * protocol (doc/PROTOCOL.md) and relays each request to the parent.  It
 * holds no long-term secret.  A misbehaving client loses its connection
 * and nothing else; anything wrong on the parent's channel is fatal.
 *
 * Files: front.c (poll loop, parent channel, answers), front_conn.c
 * (accept, connection table, cap, timeouts, TLS I/O), front_session.c
 * (pure: client frame reader and request/answer translation, unit
 * tested), front_probe.c (port 9102: probes and /metrics),
 * front_metrics.c (pure: counters and their Prometheus text).
 */
#ifndef SRC_FRONT_H
#define SRC_FRONT_H

#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "msg.h"
#include "wire.h"

/*
 * Limits: TLS connections over both APIs; probe connections; fds (0-6,
 * the clients, the probes, one to accept-and-close at the cap, slack);
 * conn id = seq << FRONT_SLOT_BITS | slot; the handshake deadline; how
 * long the parent may take to answer; the first buffer of a frame and
 * the budget of all frame buffers; a probe request's deadline; the
 * parent's /metrics text.
 */
#define FRONT_MAXCLIENTS	512
#define FRONT_MAXPROBES		32
#define FRONT_NOFILE		(7 + FRONT_MAXCLIENTS + FRONT_MAXPROBES + 9)
#define FRONT_SLOT_BITS		10
#define FRONT_HANDSHAKE_MS	10000
#define FRONT_PARENT_MS		120000
#define FRONT_RX_CHUNK		(64u * 1024)
#define FRONT_RX_BUDGET		(512u * 1024 * 1024)
#define FRONT_PROBE_MS		5000
#define FRONT_PARENT_METRICS_MAX (64 * 1024)

/* The two client APIs and their limits (doc/PROTOCOL.md "Framing"). */
enum front_api_idx {
	FRONT_API_USER = 0,
	FRONT_API_MESH,
	FRONT_API_MAX
};
struct front_api {
	uint32_t	 api;		/* MSG_API_USER, MSG_API_MESH */
	const char	*name;		/* label: "user", "mesh" */
	size_t		 maxframe;	/* client -> server frame cap */
	uint64_t	 frame_ms;	/* a started frame must complete */
	uint64_t	 idle_ms;	/* between answer and next frame */
};

/*
 * Reader of one length-prefixed client frame.  The length is checked
 * against the API's cap before anything is allocated; the buffer then
 * grows with the bytes that really arrive (64 KiB first, doubling), so a
 * client must send what it announces, and every growth zeroes the old
 * buffer (a RECOVER frame is below 64 KiB and never moves anyway).  All
 * clients' buffers together stay under a budget.
 */
struct front_budget {
	size_t		 used;
	size_t		 max;
};
struct front_rx {
	uint8_t		 hdr[MSG_HDRLEN];
	size_t		 hdrlen;
	uint8_t		*buf;		/* NULL: in the header */
	size_t		 len;		/* declared frame length */
	size_t		 have;		/* bytes of it in buf */
	size_t		 cap;		/* bytes allocated */
	struct front_budget *budget;
};
#define FRX_MORE	0		/* need more bytes */
#define FRX_FRAME	1		/* buf[0..len) is a complete frame */
#define FRX_BAD		(-1)		/* err says why: drop */
#define FRX_BUDGET	(-2)		/* over the shared budget: drop */

void	front_rx_init(struct front_rx *, struct front_budget *);
/* Where the next read goes; never past the current frame.  0 only when
 * a complete frame waits for front_rx_reset(). */
size_t	front_rx_space(struct front_rx *, uint8_t **);
/* n bytes were stored at the place front_rx_space() gave. */
int	front_rx_advance(struct front_rx *, size_t, size_t, char *, size_t);
/* Any byte of the current frame received (frame timeout runs)? */
int	front_rx_started(const struct front_rx *);
/* Zero and free the frame; ready for the next one. */
void	front_rx_reset(struct front_rx *);

/*
 * One client's protocol state, free of sockets and TLS so that tests can
 * drive it with frames.  At most one request is in flight: the front
 * stops reading the connection until the answer is written, so a
 * pipelining client simply waits (TCP back-pressure), it is not dropped.
 */
struct front_session {
	uint32_t	 api;		/* MSG_API_* */
	uint32_t	 conn;		/* id on the parent channel */
	char		 ip[64];	/* peer IP text for the parent */
	uint8_t		 exporter[WIRE_EXPORTER_LEN];
	int		 hello;		/* 1 sent, 2 OK, 3 refused */
	uint32_t	 version;	/* negotiated protocol version */
	uint32_t	 reqid;		/* client reqid in flight */
	uint32_t	 type;		/* its client type (WIRE_*) */
	uint32_t	 preqid;	/* parent reqid in flight, 0 if none */
	uint32_t	 ptype;		/* its MSG_FRONT_* type */
	uint32_t	 answered;	/* FSR_ANSWER*: the error code sent */
};

/* Allocates a parent reqid for a request of the given type; 0 if full. */
typedef uint32_t (*front_reqid_fn)(void *, uint32_t);

/* Results of front_session_request(). */
#define FSR_FORWARD	0	/* *o is a request for the parent */
#define FSR_ANSWER	1	/* *o is a client frame: write it */
#define FSR_ANSWER_CLOSE 2	/* *o is a client frame: write, then close */
#define FSR_DROP	(-1)	/* malformed frame: drop; why says why */
#define FSR_VIOLATION	(-2)	/* session rule broken: drop */

/*
 * Handle one complete client frame.  Non-fatal decoding with the wire
 * table, then the session rules: HELLO first and once, requests only on
 * their API, non-zero reqid, fields within doc/PROTOCOL.md's limits.
 * On FSR_FORWARD s->preqid/ptype/reqid/type are set; on FSR_ANSWER*
 * s->type names the request answered.  *o is initialised unless
 * FSR_DROP/VIOLATION.  newreq is called only once the request is valid;
 * on a drop a non-zero s->preqid is a reqid taken before repacking failed
 * (the caller forgets it).
 */
int	front_session_request(struct front_session *, const uint8_t *,
	    size_t, struct msg_out *, front_reqid_fn, void *, char *, size_t);

/*
 * Translate the parent's answer m (its conn field already read) to the
 * client frame *o, with the client's reqid and m's gen.  *result is 0
 * for an OK answer, else the wire error code.  Sets *close when the
 * connection must end after the frame (a failed HELLO).  Clears the
 * request in flight.  0, or -1 when m is malformed (msg error set; in
 * fatal mode this does not return).
 */
int	front_session_answer(struct front_session *, struct msg *,
	    struct msg_out *, uint32_t *, int *);

/* An ERROR frame for the client (message cut to the wire limit). */
int	front_session_error(struct msg_out *, uint32_t, uint32_t,
	    const char *);

/* The client types with a request counter, and their metric labels. */
#define FRONT_NTYPES	5
int	front_type_index(uint32_t);	/* -1 for a non-request type */
const char *front_type_label(int);

/* Why clients were dropped (metric label in front_drop_label()). */
enum front_drop {
	FDROP_HANDSHAKE = 0,	/* TLS handshake failed */
	FDROP_HANDSHAKE_TIMEOUT,
	FDROP_IDLE_TIMEOUT,
	FDROP_FRAME_TIMEOUT,	/* slow loris */
	FDROP_WRITE_TIMEOUT,	/* stopped reading our answer */
	FDROP_BAD_LENGTH,	/* zero or over the API's cap */
	FDROP_MALFORMED,	/* msgpack, arity, field types, limits */
	FDROP_PROTOCOL,		/* order, API, reqid, unknown type */
	FDROP_BUDGET,		/* frame buffers over the shared budget */
	FDROP_PARENT_TIMEOUT,	/* no answer from the parent in time */
	FDROP_IO,		/* TLS or socket error mid-session */
	FDROP_MAX
};
const char *front_drop_label(enum front_drop);

/* Histogram bounds of contrast_request_duration_seconds (seconds). */
#define FRONT_NBUCKETS	12
extern const double front_buckets[FRONT_NBUCKETS];

struct front_metrics {
	/* [api][type][0 ok, else wire error code] */
	uint64_t	 requests[FRONT_API_MAX][FRONT_NTYPES][WIRE_ERR_MAX];
	uint64_t	 buckets[FRONT_API_MAX][FRONT_NBUCKETS];
	uint64_t	 count[FRONT_API_MAX];
	uint64_t	 sum_us[FRONT_API_MAX];
	uint64_t	 dropped[FDROP_MAX];
	uint64_t	 refused;	/* accepted and closed at the cap */
	uint64_t	 connections[FRONT_API_MAX];	/* current */
};

/* Count one answered request that took us microseconds. */
void	front_metrics_request(struct front_metrics *, int, uint32_t,
	    uint32_t, uint64_t);
/* The front's metrics as Prometheus text into buf; length or -1. */
int	front_metrics_text(const struct front_metrics *, char *, size_t);

/*
 * The process: connection tables and the parent channel (front.c,
 * front_conn.c, front_probe.c).
 */
struct ipc_chan;

enum fc_state {
	FC_FREE = 0,
	FC_HANDSHAKE,		/* TLS handshake */
	FC_READ,		/* reading a frame (idle or started) */
	FC_PARENT,		/* request at the parent: not reading */
	FC_WRITE		/* writing the answer */
};

struct fclient {
	enum fc_state	 state;
	int		 fd;
	SSL		*ssl;
	int		 want_write;	/* TLS wants POLLOUT */
	int		 apix;		/* FRONT_API_* */
	uint32_t	 seq;		/* bumped per use of the slot */
	char		 peer[80];	/* "ip:port", "[ip]:port" */
	struct front_session s;
	struct front_rx	 rx;
	uint64_t	 deadline;	/* ms, monotonic */
	uint64_t	 started_us;	/* request complete (histogram) */
	struct msg_out	 out;		/* answer being written */
	size_t		 outoff;
	int		 close_after;	/* close once out is written */
	int		 told_parent;	/* CONN_CLOSED owed */
};

enum fp_state {
	FP_FREE = 0,
	FP_READ,		/* reading the HTTP request */
	FP_PARENT,		/* waiting for the parent's answer */
	FP_WRITE,		/* writing the response */
	FP_DRAIN		/* response sent: read to EOF, then close */
};

struct fprobe {
	enum fp_state	 state;
	int		 fd;
	uint64_t	 deadline;	/* ms, monotonic */
	uint32_t	 reqid;		/* FP_PARENT: our request id */
	uint8_t		 in[2048];	/* PROBE_REQ_MAX */
	size_t		 inlen;
	char		*out;		/* heap: /metrics is big */
	size_t		 outlen, outoff;
	size_t		 drained;
};

#define FRONT_MAXORPHANS	4096	/* IPC_MAXREQ */

struct front {
	struct ipc_chan		*chan;
	uint32_t		 state;		/* CHILD_RUNNING */
	SSL_CTX			*ctx;
	struct front_api	 api[FRONT_API_MAX];
	uint64_t		 handshake_ms;
	size_t			 maxclients;
	struct fclient		 clients[FRONT_MAXCLIENTS];
	size_t			 nclients;
	struct fprobe		 probes[FRONT_MAXPROBES];
	struct front_budget	 budget;
	struct front_metrics	 metrics;
	/* parent reqids of requests whose client is gone: their answers
	 * are expected and dropped */
	uint32_t		 orphans[FRONT_MAXORPHANS];
	size_t			 norphans;
	int			 capped;	/* in a burst over the cap */
	uint64_t		 refused_burst;
};

uint64_t	front_now_ms(void);
uint64_t	front_now_us(void);

/* front_conn.c */
int	front_accept(int, struct sockaddr *, socklen_t *);
void	front_client_accept(struct front *, int, int);
void	front_client_drop(struct front *, struct fclient *, enum front_drop,
	    const char *, ...) __attribute__((__format__ (printf, 4, 5)));
void	front_client_close(struct front *, struct fclient *);
short	front_client_events(const struct fclient *);
void	front_client_io(struct front *, struct fclient *, short);
/* Drop clients past their deadline; lower *timeout to the next one. */
void	front_client_timeouts(struct front *, uint64_t, int *);
struct fclient *front_client_find(struct front *, uint32_t);
/* Write o (taken) to the client, now as far as the socket takes it;
 * close afterwards if asked.  fc may be closed on return. */
void	front_client_send(struct front *, struct fclient *,
	    struct msg_out *, int);

/* front.c: a complete frame is in fc->rx */
void	front_client_frame(struct front *, struct fclient *);
/* front.c: the client leaves with a request at the parent */
void	front_orphan(struct front *, uint32_t);

/* front_probe.c */
void	front_probe_accept(struct front *, int);
short	front_probe_events(const struct fprobe *);
void	front_probe_io(struct front *, struct fprobe *);
void	front_probe_timeouts(struct front *, uint64_t, int *);
/* The parent's answers for probe connections (unknown reqid: gone). */
void	front_probe_status(struct front *, uint32_t, uint32_t);
void	front_probe_metrics(struct front *, uint32_t, const char *);

#endif
