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

	MSG_TYPE_MAX
};

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
