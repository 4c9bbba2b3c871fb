/*
 * libFuzzer harness for the TDX parsers: quote parse, print (text and
 * JSON), full evidence verification at a fixed time, the PCK SGX
 * extension parser and the collateral loaders.  The first input byte
 * selects the target so one corpus reaches all of them; quote seeds
 * start with 0x04/0x05 (the version byte) and go to the quote path.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tdx.h"
#include "tdx_int.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE		*devnull;
	struct tdx_quote	 q;
	struct tdx_evidence	 ev;
	struct tdx_pck_ext	 ext;
	struct tdx_collateral	*c = NULL;
	char			 err[ATTEST_ERR_LEN];
	/* 2025-07-01: inside the real vectors' validity windows. */
	const time_t		 at = 1751328000;

	if (devnull == NULL && (devnull = fopen("/dev/null", "w")) == NULL)
		return 0;
	if (size == 0)
		return 0;
	switch (data[0]) {
	case 0xC0:
		tdx_pck_ext_parse(data + 1, size - 1, &ext, err, sizeof(err));
		return 0;
	case 0xC1:
		if (tdx_collateral_load_json(data + 1, size - 1, &c, err,
		    sizeof(err)) == 0)
			tdx_collateral_free(c);
		return 0;
	case 0xC2:
		if ((c = tdx_collateral_new()) != NULL) {
			tdx_collateral_set(c, TDX_COLL_TCB_INFO, data + 1,
			    size - 1, err, sizeof(err));
			tdx_collateral_set(c, TDX_COLL_QE_IDENTITY, data + 1,
			    size - 1, err, sizeof(err));
			tdx_collateral_free(c);
		}
		return 0;
	default:
		break;
	}
	(void)tdx_is_quote(data, size);
	if (tdx_quote_parse(data, size, &q, err, sizeof(err)) != ATTEST_OK)
		return 0;
	tdx_quote_print(devnull, &q, 0);
	tdx_quote_print(devnull, &q, 1);
	tdx_verify_evidence(&q, NULL, NULL, at, &ev, err, sizeof(err));
	return 0;
}
