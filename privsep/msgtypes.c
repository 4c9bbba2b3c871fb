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
