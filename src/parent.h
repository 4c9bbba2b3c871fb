/*
 * The parent's state machine (doc/PROTOCOL.privsep §5): manifest
 * generations, per-connection nonces, the requests in flight to ca and
 * verifier, the history store and the metrics.  parent.c owns the
 * processes and the poll loop and calls in here; nothing here forks,
 * polls or exits, so tests drive it over socketpairs (tests/unit/
 * test_parent.c).
 *
 * Files: parent_core.c (state, connections, HELLO, STATUS, child
 * up/down), parent_user.c (SET_MANIFEST, GET_MANIFESTS, RECOVER),
 * parent_mesh.c (MESH_CERT), parent_store.c (history I/O),
 * parent_auth.c (owner signatures), parent_metrics.c (counters).
 */
#ifndef SRC_PARENT_H
#define SRC_PARENT_H

#include <sys/queue.h>

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "ipc.h"
#include "msgtypes.h"

struct evidence_src;
struct store;

#define PCORE_HASH_LEN		32
#define PCORE_NONCE_LEN		32
#define PCORE_MAXCONN		4096	/* connections with a nonce */
#define PCORE_MAXSCAN		1024	/* manifests summarised at boot */
#define PCORE_PEER_MAX		64	/* IP text */
#define PCORE_ERRLEN		512
#define PCORE_SHARES_MAX	(1024 * 1024)	/* seed-shares.json */

/* Parent's view of a child channel (rule states). */
#define CHAN_STARTING		0x01	/* child started, READY not seen */
#define CHAN_RUNNING		0x02

/* What the verifier told us about one manifest (MANIFEST_CHECK_OK). */
struct psummary {
	size_t			 npol;
	uint8_t			(*hashes)[PCORE_HASH_LEN];
	uint8_t			*roles;
	char			**secret_ids;
	char			**sans;		/* '\n'-joined per policy */
	struct msg_bin		*owner_keys;	/* PKIX DER */
	size_t			 nowner;
	uint8_t			(*owner_digests)[PCORE_HASH_LEN];
	size_t			 ndigest;
	struct msg_bin		*seedshare_keys;	/* PKCS#1 DER */
	size_t			 nseedshare;
};

/* A front connection that did HELLO. */
struct pconn {
	TAILQ_ENTRY(pconn)	 entry;
	uint32_t		 conn;
	uint32_t		 api;		/* MSG_API_* */
	uint8_t			 nonce[PCORE_NONCE_LEN];
	char			 peer[PCORE_PEER_MAX];
};

enum pop_kind {
	POP_SET = 1,
	POP_RECOVER,
	POP_MESH,
	POP_SCAN,		/* boot: summary of one stored manifest */
	POP_REFVALS		/* active values to a (re)started verifier */
};

/* One operation waiting for a child's answer. */
struct pop {
	TAILQ_ENTRY(pop)	 entry;
	enum pop_kind		 kind;
	int			 step;		/* per kind */
	/* the front request to answer (none for SCAN, REFVALS) */
	int			 has_front;
	unsigned		 front_epoch;
	uint32_t		 conn;
	uint32_t		 freqid;
	uint64_t		 fgen;
	/* the outstanding child request */
	int			 child;
	uint32_t		 creqid;
	uint64_t		 gen;		/* generation it works on */
	/* SET */
	uint8_t			*osig;		/* owner signature */
	size_t			 osiglen;
	uint8_t			*okey;		/* owner key named by client */
	size_t			 okeylen;
	int			 has_prev_req;	/* --atomic */
	uint8_t			 prev_req[PCORE_HASH_LEN];
	uint8_t			*manifest;
	size_t			 manifest_len;
	struct msg_bin		*pols;
	size_t			 npols;
	uint8_t			 mhash[PCORE_HASH_LEN];
	uint8_t			 prev[PCORE_HASH_LEN];
	uint8_t			 thash[PCORE_HASH_LEN];
	int			 first;
	struct psummary		 sum;
	uint8_t			*shares;
	size_t			 shares_len;
	EVP_PKEY		*txkey;
	uint8_t			*sig;
	size_t			 siglen;
	char			*root_pem;
	char			*mesh_pem;
	int			 aborting;	/* ABORT sent: then fail */
	uint32_t		 fail_code;
	char			 fail_msg[256];
	/* MESH */
	uint8_t			*evidence;
	size_t			 evidence_len;
	uint8_t			*pubkey;
	size_t			 pubkey_len;
	char			 peer[PCORE_PEER_MAX];
	/* SCAN */
	int			 scan_latest;
};

TAILQ_HEAD(pconn_list, pconn);
TAILQ_HEAD(pop_list, pop);

/* Counters exported on /metrics (parent_metrics.c). */
#define PCORE_REASONS_MAX	32
struct pmetrics {
	uint64_t		 certs_issued;
	struct {
		char		 reason[32];
		uint64_t	 n;
	}			 failures[PCORE_REASONS_MAX];
	size_t			 nfailures;
	uint64_t		 sets;
	uint64_t		 recoveries;
};

struct pcore {
	uint32_t		 state;		/* COORD_STATE_* */
	uint32_t		 chstate[PROC_MAX];	/* CHAN_* per child */
	/* parent.c's hook, called on every child READY */
	void			(*on_ready)(struct pcore *, int, void *);
	void			*on_ready_arg;
	uint64_t		 gen;		/* active (or stored) generation */
	struct ipc_chan		*chan[PROC_MAX];	/* NULL when down */
	unsigned		 front_epoch;	/* +1 per front start */
	struct store		*store;
	struct evidence_src	*evsrc;		/* NULL: no own evidence */
	EVP_PKEY		*pinned_owner;	/* --owner-key, or NULL */
	EVP_PKEY		*txkey;		/* transaction key (public) */

	/* the head: active, or stored and unverified in recovery */
	int			 have_head;
	int			 head_damaged;	/* head's objects unreadable */
	uint8_t			 head[PCORE_HASH_LEN];
	uint8_t			*head_sig;
	size_t			 head_siglen;
	uint8_t			*manifest;	/* bytes of the head manifest */
	size_t			 manifest_len;
	int			 have_sum;	/* sum describes manifest */
	struct psummary		 sum;
	char			*root_pem;	/* ACTIVE only */
	char			*mesh_pem;

	/* policy hashes referenced by the history (GET_MANIFESTS) */
	uint8_t			(*hist_pol)[PCORE_HASH_LEN];
	size_t			 nhist_pol;
	size_t			 scan_pending;	/* boot summaries outstanding */
	int			 scan_done;

	int			 busy;		/* a SET or RECOVER in flight */
	struct pconn_list	 conns;
	size_t			 nconns;
	struct pop_list		 ops;
	struct pmetrics		 metrics;
};

/* parent_core.c */
int	pcore_init(struct pcore *, int, struct evidence_src *, EVP_PKEY *,
	    char *, size_t);
void	pcore_free(struct pcore *);
/* Rule table of the parent for the channel to child id. */
const struct msg_rule *pcore_rules(int, size_t *);
/* A child became usable (READY) or went away (channel closed). */
void	pcore_child_up(struct pcore *, int);
void	pcore_child_down(struct pcore *, int);
struct pconn *pcore_conn_find(struct pcore *, uint32_t);
void	 pcore_conn_forget(struct pcore *, struct pconn *);
/* Queue a frame to child id; fatal when the channel refuses it. */
void	pcore_queue(struct pcore *, int, struct msg_out *);
/* New request to child id: reqid, or 0 when the child is down. */
uint32_t pcore_request(struct pcore *, struct pop *, int, uint32_t,
	    uint64_t, struct msg_out *);
void	pcore_client_fail(struct pcore *, struct pop *, uint32_t,
	    const char *, ...) __attribute__((__format__ (printf, 4, 5)));
void	pcore_client_fail_req(struct pcore *, struct msg *, uint32_t,
	    uint32_t, const char *, ...)
	    __attribute__((__format__ (printf, 5, 6)));
int	pcore_client_need_state(struct pcore *, struct msg *, uint32_t,
	    uint32_t);
/* The op waiting for reqid from child id (and forget it there). */
struct pop *pcore_op_take(struct pcore *, int, uint32_t);
struct pop *pcore_op_new(struct pcore *, enum pop_kind, struct msg *,
	    uint32_t);
void	pcore_op_free(struct pcore *, struct pop *);
/* Front replies start like this: envelope of the request, conn. */
int	pcore_reply_init(struct pcore *, struct pop *, struct msg_out *,
	    uint32_t, size_t);
void	pcore_reply_send(struct pcore *, struct pop *, struct msg_out *);
void	psummary_free(struct psummary *);
/* Read MSG_VERIFIER_MANIFEST_CHECK_OK's fields (fatal on violations). */
void	psummary_read(struct msg *, struct psummary *);
/* Index of the policy with this hash, or -1. */
int	psummary_find(const struct psummary *, const uint8_t *);
int	pcore_refvals(struct pcore *, struct pop *);

/* parent_user.c */
void	puser_set(struct ipc_chan *, struct msg *, void *);
void	puser_get(struct ipc_chan *, struct msg *, void *);
void	puser_recover(struct ipc_chan *, struct msg *, void *);
void	puser_check_ok(struct pcore *, struct pop *, struct msg *);
void	puser_check_fail(struct pcore *, struct pop *, struct msg *);
void	puser_ca_reply(struct pcore *, struct pop *, struct msg *);
void	puser_refvals_ok(struct pcore *, struct pop *);
void	puser_op_failed(struct pcore *, struct pop *);

/* parent_mesh.c */
void	pmesh_cert(struct ipc_chan *, struct msg *, void *);
void	pmesh_verify_reply(struct pcore *, struct pop *, struct msg *);
void	pmesh_issue_reply(struct pcore *, struct pop *, struct msg *);

/* parent_store.c */
int	pstore_load_head(struct pcore *, char *, size_t);
int	pstore_persist(struct pcore *, struct pop *, char *, size_t);
/* Manifests oldest first (walk from the head); *out malloc'd. */
int	pstore_history(struct pcore *, struct msg_bin **, size_t *,
	    uint8_t (**)[PCORE_HASH_LEN], char *, size_t);
void	pstore_hist_add(struct pcore *, const struct psummary *);
int	pstore_policies(struct pcore *, struct msg_bin **, size_t *, char *,
	    size_t);

/* parent_auth.c */
int	pauth_owner(const struct pcore *, const uint8_t *, size_t,
	    const uint8_t *, size_t, const uint8_t[PCORE_HASH_LEN],
	    char *, size_t);
int	pauth_seedshare_key(const struct pcore *, const uint8_t *, size_t);

/* parent_metrics.c */
void	pmetrics_failure(struct pcore *, const char *);
int	pmetrics_text(const struct pcore *, char *, size_t);

#endif
