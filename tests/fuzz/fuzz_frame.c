/*
 * libFuzzer harness: the input is a byte stream of frames (u32 length +
 * bytes).  Each frame goes through the length check, the prescan, the
 * decoder with and without the message table, and a sequence of typed
 * getters chosen from the frame itself, all in non-fatal mode.
 * Invariants checked: the decoder never accepts what the prescan refuses,
 * and accepted frames never make a getter read past the body.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "msgtypes.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
getters(struct msg *m, uint32_t seed)
{
	uint32_t	 i, u32;
	uint64_t	 u64;
	int		 b;
	char		*s, sbuf[16], **sv;
	uint8_t		*p, fix[8];
	struct msg_bin	*bv;
	size_t		 len, n;

	for (i = 0; i < m->nfields + 1; i++) {
		switch ((seed + i) % 10) {
		case 0:
			msg_get_u32(m, &u32);
			break;
		case 1:
			msg_get_u64(m, &u64);
			break;
		case 2:
			msg_get_bool(m, &b);
			break;
		case 3:
			if (msg_get_str(m, &s, 64) == 0) {
				if (strlen(s) > 64)
					abort();
				free(s);
			}
			break;
		case 4:
			msg_get_strbuf(m, sbuf, sizeof(sbuf));
			break;
		case 5:
			if (msg_get_bin(m, &p, &len, 128) == 0) {
				if (len > 128)
					abort();
				msg_freezero(p, len);
			}
			break;
		case 6:
			msg_get_fixbin(m, fix, sizeof(fix));
			break;
		case 7:
			if (msg_get_str_array(m, &sv, &n, 8, 32) == 0)
				msg_free_str_array(sv, n);
			break;
		case 8:
			if (msg_get_bin_array(m, &bv, &n, 8, 32) == 0)
				msg_free_bin_array(bv, n, 1);
			break;
		default:
			msg_end(m);
			break;
		}
	}
	if (m->pos > m->nfields)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct msg	 m;
	char		 err[MSG_ERRLEN];
	size_t		 len;
	int		 pre;

	while (size >= MSG_HDRLEN) {
		if (msg_frame_len(data, 65536, &len, err, sizeof(err)) == -1)
			return 0;
		data += MSG_HDRLEN;
		size -= MSG_HDRLEN;
		if (len > size)
			len = size;	/* a short last frame: still scan it */
		if (len == 0)
			return 0;
		pre = msg_prescan(data, len, MSG_MAXDEPTH, err, sizeof(err));
		if (msg_decode(&m, NULL, 0, data, len, err, sizeof(err)) == 0) {
			if (pre == -1)
				abort();	/* decoder skipped the prescan */
			getters(&m, m.type ^ (uint32_t)m.gen);
			msg_clear(&m);
		}
		if (msg_decode(&m, msg_types, MSG_TYPE_MAX, data, len, err,
		    sizeof(err)) == 0) {
			if (m.info == NULL || m.nfields != m.info->nfields ||
			    len > m.info->maxlen)
				abort();
			getters(&m, m.reqid);
			msg_clear(&m);
		}
		data += len;
		size -= len;
	}
	return 0;
}
