/*
 * Every message type of the coordinator's internal channels, and the
 * process ids that name the peers.  One header so that a review sees the
 * whole protocol at once (the imsg_types.h / monitor.h habit).
 *
 * Names follow MSG_<SENDER>_<NOUN>[_REQ|_OK|_FAIL].  Each type has one
 * entry in msg_types[] (msgtypes.c) giving its log name, the exact number
 * of body fields, the largest frame it may use and whether the frame
 * carries secrets.  To add a message: add the enum value before
 * MSG_TYPE_MAX, add its msg_types[] entry, add a rule to the receiver's
 * table, and document it in doc/PROTOCOL.privsep.  Values are on the wire
 * between processes of one build only, so renumbering is allowed, but
 * never reuse a value within one enum for two meanings.
 */
#ifndef PRIVSEP_MSGTYPES_H
#define PRIVSEP_MSGTYPES_H

#include <stddef.h>
#include <stdint.h>

/* The four processes of the coordinator (star topology around PARENT). */
enum proc_id {
	PROC_PARENT = 0,
	PROC_FRONT,
	PROC_CA,
	PROC_VERIFIER,
	PROC_MAX
};

/* "parent", "front", "ca", "verifier"; "unknown" for anything else. */
const char	*proc_name(int);

enum msg_type {
	MSG_NONE = 0,		/* never valid on the wire */

	/* child -> parent, once, after its sandbox is loaded: body [] */
	MSG_FRONT_READY,
	MSG_CA_READY,
	MSG_VERIFIER_READY,

	/* front -> parent readiness probe (port 9102): body [] */
	MSG_FRONT_STATUS_REQ,
	/* parent -> front answer: body [state:u32, gen:u64 manifest generation] */
	MSG_PARENT_STATUS_OK,

	/* parent -> any child: orderly exit: body [] */
	MSG_PARENT_SHUTDOWN,

	/*
	 * parent -> child, only in --enable-sandbox-selftest builds (the
	 * receivers register a rule for it only under SANDBOX_SELFTEST):
	 * body [what:u32] names the forbidden call to make (SELFTEST_*).
	 */
	MSG_PARENT_SELFTEST_REQ,

	/*
	 * Client requests relayed by the front (doc/PROTOCOL.privsep §5).
	 * Every front message starts with conn:u32, the front's connection
	 * id; the parent's answer repeats it.  Any of the five requests may
	 * be answered by MSG_PARENT_CLIENT_FAIL instead.
	 */
	/* [conn, api:u32 (MSG_API_*), peer:str (IP text),
	 *  client_nonce:bin32, exporter:bin32, want_evidence:bool] */
	MSG_FRONT_HELLO_REQ,
	/* [conn, server_nonce:bin32, evidence:bin (empty unless asked)] */
	MSG_PARENT_HELLO_OK,
	/* [conn, manifest:bin, policies:[bin], previous:bin(0|32),
	 *  signature:bin, owner_key:bin] */
	MSG_FRONT_SET_MANIFEST_REQ,
	/* [conn, root_ca:str, mesh_ca:str, seed_shares:bin] */
	MSG_PARENT_SET_MANIFEST_OK,
	/* [conn] */
	MSG_FRONT_GET_MANIFESTS_REQ,
	/* [conn, manifests:[bin] (oldest first), policies:[bin],
	 *  root_ca:str, mesh_ca:str, latest:bin32, signature:bin] */
	MSG_PARENT_GET_MANIFESTS_OK,
	/* [conn, key:bin (PKCS#1), seed:bin64, salt:bin32, signature:bin] */
	MSG_FRONT_RECOVER_REQ,
	/* [conn, root_ca:str, mesh_ca:str] */
	MSG_PARENT_RECOVER_OK,
	/* [conn, evidence:bin, public_key:bin (PKIX DER)] */
	MSG_FRONT_MESH_CERT_REQ,
	/* [conn, mesh_ca:str, cert_chain:str, root_ca:str,
	 *  workload_secret:bin(0|64)] */
	MSG_PARENT_MESH_CERT_OK,
	/* [conn, code:u32 (enum wire_error), message:str] */
	MSG_PARENT_CLIENT_FAIL,
	/* [conn]: the connection is gone, forget its nonce (no reply) */
	MSG_FRONT_CONN_CLOSED,
	/* [] */
	MSG_FRONT_METRICS_REQ,
	/* [text:str (Prometheus exposition of the parent's counters)] */
	MSG_PARENT_METRICS_OK,

	/* parent -> verifier */
	/* [manifest:bin, policies:[bin]] */
	MSG_PARENT_MANIFEST_CHECK_REQ,
	/* [hashes:[bin32], roles:bin (one byte per policy, MSG_ROLE_*),
	 *  secret_ids:[str], sans:[str] ('\n'-joined per policy),
	 *  owner_keys:[bin] (PKIX DER), owner_digests:[bin32],
	 *  seedshare_keys:[bin] (PKCS#1 DER)] */
	MSG_VERIFIER_MANIFEST_CHECK_OK,
	/* [message:str (path-prefixed)] */
	MSG_VERIFIER_MANIFEST_CHECK_FAIL,
	/* [manifest:bin]; gen: the generation whose values these are */
	MSG_PARENT_REFVALS_SET_REQ,
	/* [] */
	MSG_VERIFIER_REFVALS_SET_OK,
	/* [evidence:bin, report_data:bin64]; gen: the active generation */
	MSG_PARENT_VERIFY_REQ,
	/* [policy_hash:bin32, platform:u32 (enum attest_platform)] */
	MSG_VERIFIER_VERIFY_OK,
	/* [reason:str (metric label), message:str] */
	MSG_VERIFIER_VERIFY_FAIL,

	/* parent -> ca */
	/* [seedshare_keys:[bin] (PKCS#1 DER)]: first manifest, new seed */
	MSG_PARENT_CA_INIT_REQ,
	/* [seed_shares:bin (seed-shares.json), tx_key:bin (PKIX DER)] */
	MSG_CA_INIT_OK,
	/* [seed:bin64, salt:bin32]: held as a candidate until COMMIT */
	MSG_PARENT_CA_RECOVER_REQ,
	/* [tx_key:bin (PKIX DER) of the candidate seed] */
	MSG_CA_RECOVER_OK,
	/* []; gen: the generation being prepared */
	MSG_PARENT_CA_ROTATE_REQ,
	/* [root_ca:str, mesh_ca:str (the pending mesh CA)] */
	MSG_CA_ROTATE_OK,
	/* [transition_hash:bin32] */
	MSG_PARENT_CA_SIGN_REQ,
	/* [signature:bin (DER ECDSA P-384 by the transaction key)] */
	MSG_CA_SIGN_OK,
	/* []; gen: the generation that becomes active */
	MSG_PARENT_CA_COMMIT_REQ,
	/* [] */
	MSG_CA_COMMIT_OK,
	/* []: drop the pending mesh CA (and a candidate seed) */
	MSG_PARENT_CA_ABORT_REQ,
	/* [] */
	MSG_CA_ABORT_OK,
	/* [public_key:bin, sans:[str], peer_ip:str, secret_id:str,
	 *  evidence:bin]; gen: the active generation */
	MSG_PARENT_CA_ISSUE_REQ,
	/* [mesh_ca:str, cert_chain:str, root_ca:str, workload_secret:bin] */
	MSG_CA_ISSUE_OK,
	/* [message:str] */
	MSG_CA_ISSUE_FAIL,

	MSG_TYPE_MAX
};

/* MSG_FRONT_HELLO_REQ api field. */
#define MSG_API_USER		1	/* port 1313 */
#define MSG_API_MESH		2	/* port 7777 */

/* MSG_VERIFIER_MANIFEST_CHECK_OK roles bytes. */
#define MSG_ROLE_NONE		0
#define MSG_ROLE_COORDINATOR	1

/*
 * Largest internal frame: a client SET_MANIFEST frame (16 MiB on the
 * user API, doc/PROTOCOL.md) relayed with its connection id, with room
 * for the envelope.  Also bounds GET_MANIFESTS_OK and the verifier's
 * manifest check.
 */
#define MSG_MAXLEN_BIG		(16u * 1024 * 1024 + 64u * 1024)

/* Values of the MSG_PARENT_SELFTEST_REQ body field. */
enum selftest_call {
	SELFTEST_SOCKET = 1,	/* socket(2): killed by the filter */
	SELFTEST_EXECVE,	/* execve(2): killed */
	SELFTEST_OPENAT,	/* openat(2): EACCES, not killed */
	SELFTEST_PTRACE		/* ptrace(2): killed */
};

/* Flags of a message type (msg_typeinfo.flags). */
#define MSGT_SECRET	0x01	/* frame holds secrets: zeroed after use */
#define MSGT_REQ	0x02	/* a request: reqid != 0, chosen by sender */
#define MSGT_REPLY	0x04	/* a reply: reqid of an outstanding request */
#define MSGT_ANYREQ	0x08	/* with MSGT_REPLY: answers any outstanding
				 * request of the channel, not only the
				 * type in `answers' (a generic failure) */

/*
 * Static description of one type.  Also used by the client protocol
 * (another table, same struct) through msg_decode().
 */
struct msg_typeinfo {
	const char	*name;		/* NULL: hole, type invalid */
	uint32_t	 nfields;	/* exact arity of the body array */
	size_t		 maxlen;	/* largest frame (bytes after the u32) */
	uint32_t	 flags;		/* MSGT_* */
	uint32_t	 answers;	/* MSGT_REPLY: the request type answered */
};

/* The table of the internal channels, indexed by enum msg_type. */
extern const struct msg_typeinfo msg_types[MSG_TYPE_MAX];

/* Entry of a type, or NULL when type is not a valid internal type. */
const struct msg_typeinfo *msg_typeinfo(uint32_t);

/* "MSG_FRONT_READY", or "MSG_UNKNOWN(<n>)" in a static buffer. */
const char	*msg_type_name(uint32_t);

#endif
