/*
 * Evidence from /dev/sev-guest: the SNP_GET_EXT_REPORT ioctl, for kernels
 * without configfs-tsm.  The response is the firmware's MSG_REPORT_RSP
 * (status, report size, the report); the certificate table lands in a
 * page-aligned buffer we pass, which the host may find too small: it
 * then says so and how large it must be, and we retry once with that.
 */
#include "config.h"

#include <sys/ioctl.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evidence.h"
#include "evidence_int.h"

#if defined(__has_include)
#if __has_include(<linux/sev-guest.h>)
#include <linux/sev-guest.h>
#define HAVE_SEV_GUEST_UAPI 1
#endif
#endif

#ifndef HAVE_SEV_GUEST_UAPI
/*
 * The Linux UAPI (include/uapi/linux/sev-guest.h), for build hosts whose
 * kernel headers predate it.  The layouts are ABI and do not change.
 */
struct snp_report_req {
	uint8_t		user_data[64];
	uint32_t	vmpl;
	uint8_t		rsvd[28];
};

struct snp_report_resp {
	uint8_t		data[4000];
};

struct snp_guest_request_ioctl {
	uint8_t		msg_version;
	uint64_t	req_data;
	uint64_t	resp_data;
	uint64_t	exitinfo2;	/* [63:32] VMM error, [31:0] firmware */
};

struct snp_ext_report_req {
	struct snp_report_req	data;
	uint64_t		certs_address;
	uint32_t		certs_len;
};

#define SNP_GET_EXT_REPORT	_IOWR('S', 0x2, struct snp_guest_request_ioctl)
#define SNP_GUEST_VMM_ERR_INVALID_LEN	1
#define SNP_GUEST_VMM_ERR_BUSY		2
#endif

#define SEVGUEST_PAGE		4096
#define SEVGUEST_CERTS_START	(4 * SEVGUEST_PAGE)
#define SEVGUEST_RSP_HDR	0x20	/* status, size, 24 reserved */
#define SEVGUEST_BUSY_RETRIES	5

int
evidence_sevguest_open(struct evidence_src *src, char *err, size_t errlen)
{
	if ((src->fd = open(src->path, O_RDWR | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", src->path, strerror(errno));
		return -1;
	}
	return 0;
}

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

int
evidence_sevguest_get(struct evidence_src *src, const uint8_t rd[64],
    struct evidence *ev, char *err, size_t errlen)
{
	struct snp_ext_report_req	 req;
	struct snp_report_resp		*resp = NULL;
	struct snp_guest_request_ioctl	 g;
	uint8_t				*certs = NULL;
	size_t				 certs_len = SEVGUEST_CERTS_START;
	uint32_t			 status, size, vmm;
	int				 r, busy = 0, grown = 0, rv = -1;

	if ((resp = calloc(1, sizeof(*resp))) == NULL) {
		snprintf(err, errlen, "sev-guest: out of memory");
		return -1;
	}
	for (;;) {
		free(certs);
		if (posix_memalign((void **)&certs, SEVGUEST_PAGE,
		    certs_len) != 0) {
			certs = NULL;
			snprintf(err, errlen, "sev-guest: out of memory");
			goto out;
		}
		memset(certs, 0, certs_len);
		memset(&req, 0, sizeof(req));
		memcpy(req.data.user_data, rd, 64);
		req.data.vmpl = 0;
		req.certs_address = (uint64_t)(uintptr_t)certs;
		req.certs_len = (uint32_t)certs_len;
		memset(&g, 0, sizeof(g));
		g.msg_version = 1;
		g.req_data = (uint64_t)(uintptr_t)&req;
		g.resp_data = (uint64_t)(uintptr_t)resp;
		r = ioctl(src->fd, SNP_GET_EXT_REPORT, &g);
		if (r == 0)
			break;
		vmm = (uint32_t)(g.exitinfo2 >> 32);
		if (errno == EINTR)
			continue;
		if (vmm == SNP_GUEST_VMM_ERR_INVALID_LEN && !grown &&
		    req.certs_len > certs_len &&
		    req.certs_len <= EVIDENCE_AUXBLOB_MAX) {
			/* The host told us the size it needs. */
			certs_len = (req.certs_len + SEVGUEST_PAGE - 1) /
			    SEVGUEST_PAGE * SEVGUEST_PAGE;
			grown = 1;
			continue;
		}
		if (vmm == SNP_GUEST_VMM_ERR_BUSY &&
		    busy++ < SEVGUEST_BUSY_RETRIES) {
			usleep(10000 * busy);
			continue;
		}
		snprintf(err, errlen, "%s: SNP_GET_EXT_REPORT: %s "
		    "(firmware error 0x%x, VMM error 0x%x)", src->path,
		    strerror(errno), (unsigned)(g.exitinfo2 & 0xffffffff),
		    vmm);
		goto out;
	}
	status = le32(resp->data);
	size = le32(resp->data + 4);
	if (status != 0) {
		snprintf(err, errlen, "%s: firmware report status 0x%x",
		    src->path, status);
		goto out;
	}
	if (size != EVIDENCE_SNP_REPORT_LEN) {
		snprintf(err, errlen, "%s: firmware report size %u, want %d",
		    src->path, size, EVIDENCE_SNP_REPORT_LEN);
		goto out;
	}
	ev->platform = ATTEST_PLATFORM_SNP;
	if ((ev->report = evidence_dup(resp->data + SEVGUEST_RSP_HDR,
	    size)) == NULL) {
		snprintf(err, errlen, "sev-guest: out of memory");
		goto out;
	}
	ev->report_len = size;
	/* All zero (an empty table) when the host has no certificates. */
	if (evidence_set_auxblob(ev, certs, certs_len, err, errlen) == -1)
		goto out;
	rv = 0;
 out:
	free(certs);
	free(resp);
	return rv;
}
