/*
 * Internals shared by the evidence back ends (evidence*.c).
 */
#ifndef CONTRAST_EVIDENCE_INT_H
#define CONTRAST_EVIDENCE_INT_H

#include <limits.h>

#include "evidence.h"

struct sim;

struct evidence_src {
	enum evidence_kind	 kind;
	char			 path[PATH_MAX];
	int			 fd;		/* sev-guest device */
	struct sim		*sim;
	uint8_t			 hostdata[32];
	void			(*hook)(const char *, void *);
	void			*hook_arg;
	unsigned int		 seq;		/* configfs entry names */
};

int	evidence_tsm_get(struct evidence_src *, const uint8_t[64],
	    struct evidence *, char *, size_t);
int	evidence_sevguest_open(struct evidence_src *, char *, size_t);
int	evidence_sevguest_get(struct evidence_src *, const uint8_t[64],
	    struct evidence *, char *, size_t);
/* The platform rules every struct evidence obeys (also on decode). */
int	evidence_check(const struct evidence *, char *, size_t);
/* A malloc'd copy of len bytes (len > 0), or NULL. */
uint8_t	*evidence_dup(const uint8_t *, size_t);

#endif
