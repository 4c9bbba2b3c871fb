/*
 * The table of internal message types: log name, exact body arity,
 * largest frame, flags.  Keep in the order of enum msg_type; a missing
 * entry (NULL name) makes the type invalid everywhere.
 */
#include "config.h"

#include <stdio.h>

#include "msgtypes.h"

/* Frames of the control messages are tiny; anything bigger is hostile. */
#define SMALL	64

/*
 * Building blocks of the caps below, mirroring doc/PROTOCOL.md's limits
 * (src/wire.h; privsep does not include it): envelope and small fields,
 * a PEM certificate or chain, a client-visible message, evidence, a key,
 * a signature, a seed-shares document.
 */
#define ENV	256
#define PEM	(64u * 1024)
#define TEXT	(4u * 1024)
#define EVID	(64u * 1024)
#define KEY	(4u * 1024)
#define SIG	1024u
#define SHARES	(1024u * 1024)
#define BIG	MSG_MAXLEN_BIG

const struct msg_typeinfo msg_types[MSG_TYPE_MAX] = {
	[MSG_FRONT_READY] =
	    { "MSG_FRONT_READY", 0, SMALL, 0, 0 },
	[MSG_CA_READY] =
	    { "MSG_CA_READY", 0, SMALL, 0, 0 },
	[MSG_VERIFIER_READY] =
	    { "MSG_VERIFIER_READY", 0, SMALL, 0, 0 },
	[MSG_FRONT_STATUS_REQ] =
	    { "MSG_FRONT_STATUS_REQ", 0, SMALL, MSGT_REQ, 0 },
	[MSG_PARENT_STATUS_OK] =
	    { "MSG_PARENT_STATUS_OK", 2, SMALL, MSGT_REPLY,
	      MSG_FRONT_STATUS_REQ },
	[MSG_PARENT_SHUTDOWN] =
	    { "MSG_PARENT_SHUTDOWN", 0, SMALL, 0, 0 },
	[MSG_PARENT_SELFTEST_REQ] =
	    { "MSG_PARENT_SELFTEST_REQ", 1, SMALL, 0, 0 },

	/* front <-> parent: relayed client requests */
	[MSG_FRONT_HELLO_REQ] =
	    { "MSG_FRONT_HELLO_REQ", 6, ENV, MSGT_REQ, 0 },
	[MSG_PARENT_HELLO_OK] =
	    { "MSG_PARENT_HELLO_OK", 3, ENV + EVID, MSGT_REPLY,
	      MSG_FRONT_HELLO_REQ },
	[MSG_FRONT_SET_MANIFEST_REQ] =
	    { "MSG_FRONT_SET_MANIFEST_REQ", 6, BIG, MSGT_REQ, 0 },
	[MSG_PARENT_SET_MANIFEST_OK] =
	    { "MSG_PARENT_SET_MANIFEST_OK", 4, ENV + 2 * PEM + SHARES,
	      MSGT_REPLY, MSG_FRONT_SET_MANIFEST_REQ },
	[MSG_FRONT_GET_MANIFESTS_REQ] =
	    { "MSG_FRONT_GET_MANIFESTS_REQ", 1, SMALL, MSGT_REQ, 0 },
	[MSG_PARENT_GET_MANIFESTS_OK] =
	    { "MSG_PARENT_GET_MANIFESTS_OK", 7, BIG, MSGT_REPLY,
	      MSG_FRONT_GET_MANIFESTS_REQ },
	[MSG_FRONT_RECOVER_REQ] =
	    { "MSG_FRONT_RECOVER_REQ", 6, ENV + KEY + SIG,
	      MSGT_REQ | MSGT_SECRET, 0 },
	[MSG_PARENT_RECOVER_OK] =
	    { "MSG_PARENT_RECOVER_OK", 3, ENV + 2 * PEM, MSGT_REPLY,
	      MSG_FRONT_RECOVER_REQ },
	[MSG_FRONT_MESH_CERT_REQ] =
	    { "MSG_FRONT_MESH_CERT_REQ", 3, ENV + EVID + KEY, MSGT_REQ, 0 },
	[MSG_PARENT_MESH_CERT_OK] =
	    { "MSG_PARENT_MESH_CERT_OK", 5, ENV + 3 * PEM,
	      MSGT_REPLY | MSGT_SECRET, MSG_FRONT_MESH_CERT_REQ },
	[MSG_PARENT_CLIENT_FAIL] =
	    { "MSG_PARENT_CLIENT_FAIL", 3, ENV + TEXT,
	      MSGT_REPLY | MSGT_ANYREQ, MSG_FRONT_SET_MANIFEST_REQ },
	[MSG_FRONT_CONN_CLOSED] =
	    { "MSG_FRONT_CONN_CLOSED", 1, SMALL, 0, 0 },
	[MSG_FRONT_METRICS_REQ] =
	    { "MSG_FRONT_METRICS_REQ", 0, SMALL, MSGT_REQ, 0 },
	[MSG_PARENT_METRICS_OK] =
	    { "MSG_PARENT_METRICS_OK", 1, ENV + 64u * 1024, MSGT_REPLY,
	      MSG_FRONT_METRICS_REQ },

	/* parent <-> verifier */
	[MSG_PARENT_MANIFEST_CHECK_REQ] =
	    { "MSG_PARENT_MANIFEST_CHECK_REQ", 2, BIG, MSGT_REQ, 0 },
	[MSG_VERIFIER_MANIFEST_CHECK_OK] =
	    { "MSG_VERIFIER_MANIFEST_CHECK_OK", 7, BIG, MSGT_REPLY,
	      MSG_PARENT_MANIFEST_CHECK_REQ },
	[MSG_VERIFIER_MANIFEST_CHECK_FAIL] =
	    { "MSG_VERIFIER_MANIFEST_CHECK_FAIL", 1, ENV + TEXT, MSGT_REPLY,
	      MSG_PARENT_MANIFEST_CHECK_REQ },
	[MSG_PARENT_REFVALS_SET_REQ] =
	    { "MSG_PARENT_REFVALS_SET_REQ", 1, ENV + 1024u * 1024, MSGT_REQ,
	      0 },
	[MSG_VERIFIER_REFVALS_SET_OK] =
	    { "MSG_VERIFIER_REFVALS_SET_OK", 0, SMALL, MSGT_REPLY,
	      MSG_PARENT_REFVALS_SET_REQ },
	[MSG_PARENT_VERIFY_REQ] =
	    { "MSG_PARENT_VERIFY_REQ", 2, ENV + EVID, MSGT_REQ, 0 },
	[MSG_VERIFIER_VERIFY_OK] =
	    { "MSG_VERIFIER_VERIFY_OK", 2, SMALL, MSGT_REPLY,
	      MSG_PARENT_VERIFY_REQ },
	[MSG_VERIFIER_VERIFY_FAIL] =
	    { "MSG_VERIFIER_VERIFY_FAIL", 2, ENV + TEXT, MSGT_REPLY,
	      MSG_PARENT_VERIFY_REQ },

	/* parent <-> ca */
	[MSG_PARENT_CA_INIT_REQ] =
	    { "MSG_PARENT_CA_INIT_REQ", 1, ENV + 64u * KEY, MSGT_REQ, 0 },
	[MSG_CA_INIT_OK] =
	    { "MSG_CA_INIT_OK", 2, ENV + SHARES + KEY, MSGT_REPLY,
	      MSG_PARENT_CA_INIT_REQ },
	[MSG_PARENT_CA_RECOVER_REQ] =
	    { "MSG_PARENT_CA_RECOVER_REQ", 2, ENV, MSGT_REQ | MSGT_SECRET,
	      0 },
	[MSG_CA_RECOVER_OK] =
	    { "MSG_CA_RECOVER_OK", 1, ENV + KEY, MSGT_REPLY,
	      MSG_PARENT_CA_RECOVER_REQ },
	[MSG_PARENT_CA_ROTATE_REQ] =
	    { "MSG_PARENT_CA_ROTATE_REQ", 0, SMALL, MSGT_REQ, 0 },
	[MSG_CA_ROTATE_OK] =
	    { "MSG_CA_ROTATE_OK", 2, ENV + 2 * PEM, MSGT_REPLY,
	      MSG_PARENT_CA_ROTATE_REQ },
	[MSG_PARENT_CA_SIGN_REQ] =
	    { "MSG_PARENT_CA_SIGN_REQ", 1, SMALL, MSGT_REQ, 0 },
	[MSG_CA_SIGN_OK] =
	    { "MSG_CA_SIGN_OK", 1, ENV + SIG, MSGT_REPLY,
	      MSG_PARENT_CA_SIGN_REQ },
	[MSG_PARENT_CA_COMMIT_REQ] =
	    { "MSG_PARENT_CA_COMMIT_REQ", 0, SMALL, MSGT_REQ, 0 },
	[MSG_CA_COMMIT_OK] =
	    { "MSG_CA_COMMIT_OK", 0, SMALL, MSGT_REPLY,
	      MSG_PARENT_CA_COMMIT_REQ },
	[MSG_PARENT_CA_ABORT_REQ] =
	    { "MSG_PARENT_CA_ABORT_REQ", 0, SMALL, MSGT_REQ, 0 },
	[MSG_CA_ABORT_OK] =
	    { "MSG_CA_ABORT_OK", 0, SMALL, MSGT_REPLY,
	      MSG_PARENT_CA_ABORT_REQ },
	[MSG_PARENT_CA_ISSUE_REQ] =
	    { "MSG_PARENT_CA_ISSUE_REQ", 5, ENV + KEY + PEM + EVID, MSGT_REQ,
	      0 },
	[MSG_CA_ISSUE_OK] =
	    { "MSG_CA_ISSUE_OK", 4, ENV + 3 * PEM,
	      MSGT_REPLY | MSGT_SECRET, MSG_PARENT_CA_ISSUE_REQ },
	[MSG_CA_ISSUE_FAIL] =
	    { "MSG_CA_ISSUE_FAIL", 1, ENV + TEXT, MSGT_REPLY,
	      MSG_PARENT_CA_ISSUE_REQ },
};

static const char *const proc_names[PROC_MAX] = {
	[PROC_PARENT] = "parent",
	[PROC_FRONT] = "front",
	[PROC_CA] = "ca",
	[PROC_VERIFIER] = "verifier",
};

const char *
proc_name(int id)
{
	if (id < 0 || id >= PROC_MAX || proc_names[id] == NULL)
		return "unknown";
	return proc_names[id];
}

const struct msg_typeinfo *
msg_typeinfo(uint32_t type)
{
	if (type >= MSG_TYPE_MAX || msg_types[type].name == NULL)
		return NULL;
	return &msg_types[type];
}

const char *
msg_type_name(uint32_t type)
{
	static char	 buf[32];
	const struct msg_typeinfo *ti;

	if ((ti = msg_typeinfo(type)) != NULL)
		return ti->name;
	snprintf(buf, sizeof(buf), "MSG_UNKNOWN(%u)", type);
	return buf;
}
