/*
 * TDX quote verification against the real vectors in ../shared:
 * field values, outcomes at their documented times, collateral, CRLs,
 * systematic bit flips, truncation, and reference-value checks.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "attest.h"
#include "tdx.h"
#include "tdx_int.h"
#include "util.h"
#include "../tap.h"

static const char	*shared;

struct vec {
	const char	*file;
	const char	*when;		/* a time at which the PCK is valid */
	unsigned	 version, body_type;
	size_t		 size, trailing;
	const char	*fmspc;
	unsigned	 pcesvn, qe_isvsvn;
	const char	*tee_tcb_svn, *mr_seam, *td_attributes, *xfam, *mr_td,
			*mr_config_id, *rtmr[4], *report_data, *tee_tcb_svn2,
			*mr_servicetd;
};

#define Z48 "000000000000000000000000000000000000000000000000" \
	    "000000000000000000000000000000000000000000000000"
#define Z64 Z48 "00000000000000000000000000000000"

static const struct vec vecs[] = {
	{ "tdx/go-tdx-guest/tdx_prod_quote_SPR_E4.dat", "2023-07-01T00:00:00Z",
	  4, 2, 4974, 39, "50806f000000", 11, 4,
	  "03000400000000000000000000000000",
	  "2fd279c16164a93dd5bf373d834328d46008c2b693af9ebb865b08b2ced320c9a89b4869a9fab60fbe9d0c5a5363c656",
	  "0000004000000000", "e71a060000000000",
	  "6363b8043668a3ad953278e10389574d326c6749fb78aa810ecd9336923db86f22fc00b8dcd404bc10d5e119d7215cbb",
	  Z48,
	  { "2927da70461cd63266f43230cc1849c03ef25ebe490062a801d8fcc80af42976823adf08f833c1e50b51779c6593f32a",
	    "2c700b8ba9b85783f8be9fb9443647bdc0bb3c50747f06297cc6538c25a5f589c4b56d035c59107c6bc5800db2cacb61",
	    "8652f0caaba7e215ea442dc36a4499d8fec3362f3a0b2ca151cbe4b3e6466fe59c7368b3c2287fc7c3bf5c924eb4424e",
	    Z48 },
	  "6c62dec1b8191749a31dab490be532a35944dea47caef1f980863993d9899545eb7406a38d1eed313b987a467dacead6f0c87a6d766c66f6f29f8acb281f1113",
	  NULL, NULL },
	{ "tdx/go-tdx-guest/quote_v5_sample.dat", "2026-02-03T00:00:00Z",
	  5, 3, 5006, 0, "90c06f000000", 13, 7,
	  "0b010400000000000000000000000000",
	  "7bf063280e94fb051f5dd7b1fc59ce9aac42bb961df8d44b709c9b0ff87a7b4df648657ba6d1189589feab1d5a3c9a9d",
	  "0000001000000000", "e702060000000000",
	  "7348651a34b2d2d3462822e3a750ec6110125f36757c78480bbfc69cc0d21fb001a1ced3ee19747dda8f750c3bc8f876",
	  Z48,
	  { "5c8daf76063a71ac8fcef4067564661fc682ed7944c7a5d21dbbced02f61ceff4ba0678c6aef3bdae8cbc614cec24619",
	    "463acaace1b6e97c76e92e41fe312aa66f3fd4dad60ec7acf169859db0343e3d1e591646795cdc80fbc0ca5f7041d253",
	    "6369b9c9a3b791ebcbdc5a0bb9536cfb57f50df2b393b33c8b29616d3568baa61f4b59dc6092e31ea8764bcbdfc69f20",
	    Z48 },
	  "945eaacf5abc1f719d8666a942fda03d1edcb4490277396093dc5a5289ab9f1e094aed63060cd4a4933a4dd537ed1255c9c79ecb3ed82cd1b486233e31c25c3a",
	  "0d010400000000000000000000000000", Z48 },
	{ "tdx/go-tdx-guest/cos-113-tdx-quote.dat", "2026-11-22T00:00:00Z",
	  4, 2, 8000, 3065, "00806f050000", 11, 6,
	  "04010700000000000000000000000000",
	  "ffc97a88587660fb04e1f7c851300c96ae0b5a463ac46d035d16c2d9f36d0ed1d23775bcbd27deb219e3a3cc28023895",
	  "0000001000000000", "e700060000000000",
	  "dae67181d3d65e073ad8f95b7907d5e927bfe9761c9ff3e9b89734a45d8954dba41394c7717cb2735396c1d04231f94a",
	  Z48,
	  { "3fa2f61f395b7f5feefb4ec2df61297f109ad8abcd6410c1b7df60f21f37b19297fc35e544039c7e1edece752afd17f6",
	    "f62dbc072bd5d3f3438b7b35c39a727f5aea2ffc2473f43723953f530daf62504f0a7944aa62c41a86e8a878c2b122c1",
	    "4969684dc87381fc3b3134176c8d8806eaf0a901859f5f70cfae8d17714b46c10a8de219048c9fc09f11f381a6fbe7c1",
	    Z48 },
	  Z64, NULL, NULL },
	{ "tdx/trustee/tdx_quote_4.dat", "2026-11-22T00:00:00Z",
	  4, 2, 4936, 0, "50806f000000", 11, 4,
	  "03000500000000000000000000000000",
	  "2fd279c16164a93dd5bf373d834328d46008c2b693af9ebb865b08b2ced320c9a89b4869a9fab60fbe9d0c5a5363c656",
	  "0100001000000000", "e742060000000000",
	  "705ee9381b8633a9fbe532b52345e8433343d2868959f57889d84ca377c395b689cac1599ccea1b7d420483a9ce5f031",
	  Z48,
	  { "e940da7c2712d2790e2961e00484f4fa8e6f9eed71361655ae22699476b14f9e63867eb41edd4b480fef0c59f496b288",
	    "559cfcf42716ed6c40a48a73d5acb7da255435012f0a9f00fbe8c1c57612ede486a5684c4c9ff3ddf52315fcdca3a596",
	    Z48, Z48 },
	  "7c71fe2c86eff65a7cf8dbc22b3275689fd0464a267baced1bf94fc1324656aeb755da3d44d098c0c87382f3a5f85b45c8a28fee1d3bdb38342bf96671501429",
	  NULL, NULL },
	{ "tdx/trustee/tdx_quote_5.dat", "2026-11-22T00:00:00Z",
	  5, 3, 5006, 0, "90c06f000000", 13, 6,
	  "05010200000000000000000000000000",
	  "1cc6a17ab799e9a693fac7536be61c12ee1e0fabada82d0c999e08ccee2aa86de77b0870f558c570e7ffe55d6d47fa04",
	  "0000001000000000", "e742060000000000",
	  "dfba221b48a22af8511542ee796603f37382800840dcd978703909bf8e64d4c8a1e9de86e7c9638bfcba422f3886400a",
	  Z48,
	  { "9b529f3689e2e8ebb899e9abbbc3dab394d6545e8cdb28a2abb9cc2f377b83a65c01ba56b824cd3ee885df20051f5128",
	    "ca5a979317ffe8a527a3b7aadab03976d7cb6eef1041fb9bd9d69e6fafa7252cdc10e4c2a55e7ecbd2ddb5cacc867430",
	    Z48, Z48 },
	  "6d6ab13b046cff606ac0074be13981b07b6325dba10b5facc96febf551c0c3be2b75f92fe1f88f4bb996969ad0174b4b7a70261b7b85c844f4b33a4674fd049f",
	  "05010200000000000000000000000000",
	  "383c87d3bbb047b2d171eaca95312ede99f258088dc788f6ae2ccf8b6dd848fe8d47629e08b3f6cbd4a00dd47a5a033d" },
	{ "tdx/trustee/tdx_quote_6.dat", "2025-11-01T00:00:00Z",
	  4, 2, 5006, 70, "00a06d080000", 11, 7,
	  "05030200000000000000000000000000",
	  "476a2997c62bccc78370913d0a80b956e3721b24272bc66c4d6307ced4be2865c40e26afac75f12df3425b03eb59ea7c",
	  "0000001000000000", "e702060000000000",
	  "21e8dead92d6c69d7cbba79816686c03a48485c7df0c11f6f04792d5e1d378f6b8c46615ba6946adccac6becffbb1e88",
	  "889abf4718f037e38d74464c11e7c91a6e9890b5546409e1e7df9de7a51ca93152bf847bd2440328e90adb18b150ed67",
	  { "395aefe7bac15b24c40f1cd7ba6f8fa48732be5c56c61485ed3cd9c8b16cce8ece64c331b99ce36d96605135c753aaa2",
	    "fc4b0f849d8d76fdf1da563a8c29d0d456b484a65e01797baf52ea1d8c002040527a1f0278925077219656dba039429f",
	    "193edd321148e81fd4d6ce00ac8331e737febdb428f18ae66f697c1d2a7f2cd97c535c8df9f045f62b16a41facad84a1",
	    Z48 },
	  "26cae1c77185617fb6a03fc29bf1f924596e52352b9b7594940b576ae126cd4a570cc3202a900c5d19a6eb0a95b32cfd00000000000000000000000000000000",
	  NULL, NULL },
	{ "tdx/trustee/az-tdx-vtpm-td-quote.bin", "2026-11-22T00:00:00Z",
	  4, 2, 5006, 70, "00806f050000", 11, 5,
	  "02010600000000000000000000000000",
	  "360304d34a16aace0a18e09ad2d07d2b9fd3c174378e5bf108388079827f89ff62acc5f8c473dd40706324834e202946",
	  "0000000000000000", "e718060000000000",
	  "024a32b070383331181619fa387cb4d55d1e38879f989933055ccad5bc2db795d1737b66205949d15469dc8c1ba7ab7b",
	  Z48, { Z48, Z48, Z48, Z48 },
	  "9734504f161d104c74e3165c15f779b06a9bb40dfa71937817d7eee68e5938390000000000000000000000000000000000000000000000000000000000000000",
	  NULL, NULL },
	{ "tdx/dcap-qvl/tdx_quote.dat", "2025-07-01T00:00:00Z",
	  4, 2, 5006, 70, "b0c06f000000", 11, 6,
	  "06010300000000000000000000000000",
	  "5b38e33a6487958b72c3c12a938eaa5e3fd4510c51aeeab58c7d5ecee41d7c436489d6c8e4f92f160b7cad34207b00c1",
	  "0000001000000000", "e702060000000000",
	  "91eb2b44d141d4ece09f0c75c2c53d247a3c68edd7fafe8a3520c942a604a407de03ae6dc5f87f27428b2538873118b7",
	  Z48,
	  { "44c0197b39157fdd7a4dcc44767f9d6b0bb3977c7a8e347b8492f827fe9d9e5c48aca29b220b80b6a540cf994b9bc9c0",
	    "0084452c01668329d4bc06acdf58a7205c26743304509973949e5619bf81a6a7aea8c323c173019b3093d54e579e9378",
	    "d833feef2cd945148aa38ead2c53e9b7f138190aaaebfc551dccd829fc207aa3ba80b70870d7330733642e01d48c3132",
	    Z48 },
	  "9a9d48e7f6799642d3d1b34e1e5e1742d4bb02dd6ddd551862c1211d35c304f9eca3efdbb481601c163cf52493d6e44aed55d51ec39b7e518fadb92c2b523f20",
	  NULL, NULL },
	{ "tdx/dcap-qvl/tdx_quote_outdated.dat", "2026-03-01T00:00:00Z",
	  5, 3, 5006, 0, "90c06f000000", 13, 7,
	  "07010300000000000000000000000000",
	  "49b66faa451d19ebbdbe89371b8daf2b65aa3984ec90110343e9e2eec116af08850fa20e3b1aa9a874d77a65380ee7e6",
	  "0000001000000000", "e718060000000000",
	  "273828c46252fcbdd8ad2dd907130222b03466d52a2911d70c1a5950895d6bd1ae451d382d5a9b1b4c0ed0e5ae9a3dbd",
	  Z48, { Z48, Z48, Z48, Z48 },
	  "d2142b643598eb5fae2bc8529dd79a558b29f868ccbb6531cb28dab9dce477280000000000000000000000000000000000000000000000000000000000000000",
	  "0d010300000000000000000000000000", Z48 },
};
#define NVECS	(sizeof(vecs) / sizeof(vecs[0]))

static uint8_t *
load(const char *rel, size_t *len)
{
	char	 path[4096], err[256];
	uint8_t	*b;

	snprintf(path, sizeof(path), "%s/vectors/%s", shared, rel);
	if (file_read(path, 1 << 20, &b, len, err, sizeof(err)) != 0) {
		printf("Bail out! %s\n", err);
		exit(1);
	}
	return b;
}

static time_t
T(const char *s)
{
	time_t	 t;

	if (tdx_time_parse(s, &t) != 0) {
		printf("Bail out! bad time %s\n", s);
		exit(1);
	}
	return t;
}

static int
hexeq(const uint8_t *b, size_t n, const char *want)
{
	char	 h[2 * 128 + 1];

	hex_encode(b, n, h);
	if (strcmp(h, want) == 0)
		return 1;
	tap_diag("got  %s", h);
	tap_diag("want %s", want);
	return 0;
}

static struct tdx_collateral *
coll_files(const char *prefix, const char *const names[TDX_COLL__MAX])
{
	struct tdx_collateral_files	 f;
	struct tdx_collateral		*c;
	char				 p[TDX_COLL__MAX][4096], err[256];
	int				 i;

	memset(&f, 0, sizeof(f));
	for (i = 0; i < TDX_COLL__MAX; i++) {
		if (names[i] == NULL)
			continue;
		snprintf(p[i], sizeof(p[i]), "%s/vectors/%s%s", shared, prefix,
		    names[i]);
		f.path[i] = p[i];
	}
	if (tdx_collateral_load_files(&f, &c, err, sizeof(err)) != 0) {
		tap_diag("load_files: %s", err);
		return NULL;
	}
	return c;
}

static struct tdx_collateral *
coll_json(const char *rel)
{
	struct tdx_collateral	*c;
	uint8_t			*b;
	size_t			 len;
	char			 err[256];

	b = load(rel, &len);
	if (tdx_collateral_load_json(b, len, &c, err, sizeof(err)) != 0) {
		tap_diag("load_json: %s", err);
		c = NULL;
	}
	free(b);
	return c;
}

static void
test_vectors(void)
{
	const struct vec	*v;
	struct tdx_quote	 q;
	struct tdx_evidence	 ev;
	uint8_t			*b;
	size_t			 len, i;
	char			 err[ATTEST_ERR_LEN];
	enum attest_reject	 r;
	int			 good;

	for (i = 0; i < NVECS; i++) {
		v = &vecs[i];
		b = load(v->file, &len);
		ok(tdx_is_quote(b, len), "%s: detected as a TDX quote",
		    v->file);
		is_int(len, v->size, "%s: size", v->file);
		r = tdx_quote_parse(b, len, &q, err, sizeof(err));
		is_int(r, ATTEST_OK, "%s: parses (%s)", v->file,
		    r ? err : "ok");
		if (r != ATTEST_OK) {
			free(b);
			continue;
		}
		good = q.header.version == v->version &&
		    q.body.body_type == v->body_type &&
		    q.trailing == v->trailing &&
		    q.qe_report.isv_svn == v->qe_isvsvn &&
		    hexeq(q.body.tee_tcb_svn, 16, v->tee_tcb_svn) &&
		    hexeq(q.body.mr_seam, 48, v->mr_seam) &&
		    hexeq(q.body.td_attributes, 8, v->td_attributes) &&
		    hexeq(q.body.xfam, 8, v->xfam) &&
		    hexeq(q.body.mr_td, 48, v->mr_td) &&
		    hexeq(q.body.mr_config_id, 48, v->mr_config_id) &&
		    hexeq(q.body.rtmr[0], 48, v->rtmr[0]) &&
		    hexeq(q.body.rtmr[1], 48, v->rtmr[1]) &&
		    hexeq(q.body.rtmr[2], 48, v->rtmr[2]) &&
		    hexeq(q.body.rtmr[3], 48, v->rtmr[3]) &&
		    hexeq(q.body.report_data, 64, v->report_data) &&
		    q.body.is_v15 == (v->tee_tcb_svn2 != NULL) &&
		    (v->tee_tcb_svn2 == NULL ||
		    (hexeq(q.body.tee_tcb_svn2, 16, v->tee_tcb_svn2) &&
		    hexeq(q.body.mr_servicetd, 48, v->mr_servicetd)));
		ok(good, "%s: v%u body type %u, %zu trailing bytes, QE ISVSVN "
		    "%u and every body field as listed", v->file, v->version,
		    v->body_type, v->trailing, v->qe_isvsvn);
		r = tdx_verify_evidence(&q, NULL, NULL, T(v->when), &ev, err,
		    sizeof(err));
		is_int(r, ATTEST_OK, "%s: signatures, QE binding and PCK chain "
		    "verify at %s (%s)", v->file, v->when, r ? err : "ok");
		ok(hexeq(ev.pck.fmspc, 6, v->fmspc) &&
		    ev.pck.pcesvn == v->pcesvn, "%s: PCK FMSPC %s PCESVN %u",
		    v->file, v->fmspc, v->pcesvn);
		ok(!ev.have_collateral && ev.status == TDX_TCB_UNKNOWN,
		    "%s: no collateral, TCB status not evaluated", v->file);
		free(b);
	}
}

static void
test_times(void)
{
	struct tdx_quote	 q;
	struct tdx_evidence	 ev;
	uint8_t			*b;
	size_t			 len;
	char			 err[ATTEST_ERR_LEN];
	enum attest_reject	 r;

	b = load("tdx/go-tdx-guest/tdx_prod_quote_SPR_E4.dat", &len);
	tdx_quote_parse(b, len, &q, err, sizeof(err));
	r = tdx_verify_evidence(&q, NULL, NULL, T("2053-07-01T00:00:00Z"),
	    &ev, err, sizeof(err));
	is_int(r, ATTEST_REJECT_EXPIRED, "SPR quote at 2053-07-01: expired");
	ok(strstr(err, "expired") != NULL &&
	    strstr(err, "2029-09-20T13:20:31Z") != NULL,
	    "reason names expiry and notAfter: %s", err);
	r = tdx_verify_evidence(&q, NULL, NULL, T("2022-01-01T00:00:00Z"),
	    &ev, err, sizeof(err));
	is_int(r, ATTEST_REJECT_EXPIRED, "SPR quote before the PCK notBefore: "
	    "rejected (%s)", err);
	free(b);
}

static void
test_collateral(void)
{
	static const char *const spr[TDX_COLL__MAX] = {
		[TDX_COLL_TCB_INFO] = "sample_tcbInfo_response",
		[TDX_COLL_QE_IDENTITY] = "sample_qeIdentity_response",
		[TDX_COLL_TCB_ISSUER_CHAIN] = "tcb_signing_issuer_chain.pem",
		[TDX_COLL_PCK_CRL] = "pckcrl",
		[TDX_COLL_ROOT_CA_CRL] = "rootcrl.der",
		[TDX_COLL_PCK_CRL_ISSUER_CHAIN] = "pckcrl_issuer_chain.pem",
	};
	static const char *const v5[TDX_COLL__MAX] = {
		[TDX_COLL_TCB_INFO] = "sample_tcbinfo_response_v5",
	};
	static const char *const t6[TDX_COLL__MAX] = {
		[TDX_COLL_TCB_INFO] = "tcbInfo.json",
		[TDX_COLL_QE_IDENTITY] = "enclaveIdentity.json",
	};
	static const char *const flat[TDX_COLL__MAX] = {
		[TDX_COLL_TCB_INFO] = "tcb_info.json",
		[TDX_COLL_TCB_INFO_SIG] = "tcb_info.sig",
		[TDX_COLL_QE_IDENTITY] = "qe_identity.json",
		[TDX_COLL_QE_IDENTITY_SIG] = "qe_identity.sig",
		[TDX_COLL_TCB_ISSUER_CHAIN] = "tcb_info_issuer_chain.pem",
		[TDX_COLL_PCK_CRL] = "pck_crl.der",
		[TDX_COLL_ROOT_CA_CRL] = "root_ca_crl.der",
		[TDX_COLL_PCK_CRL_ISSUER_CHAIN] = "pck_crl_issuer_chain.pem",
	};
	struct tdx_collateral	*c;
	struct tdx_verify_opts	 o;
	struct tdx_quote	 q;
	struct tdx_evidence	 ev;
	uint8_t			*b, *b2;
	size_t			 len, len2;
	char			 err[ATTEST_ERR_LEN], dir[] = "/tmp/tdxcollXXXXXX";
	char			 src[4096], dst[4096];
	enum attest_reject	 r;
	int			 i;

	/* SPR + go-tdx-guest collateral: no TCB level matches. */
	b = load("tdx/go-tdx-guest/tdx_prod_quote_SPR_E4.dat", &len);
	tdx_quote_parse(b, len, &q, err, sizeof(err));
	c = coll_files("tdx/go-tdx-guest/", spr);
	ok(c != NULL, "go-tdx-guest collateral loads");
	r = tdx_verify_evidence(&q, c, NULL, T("2023-07-01T00:00:00Z"), &ev,
	    err, sizeof(err));
	is_int(r, ATTEST_REJECT_TCB, "SPR + sample TCB Info: TCB level not "
	    "found (%s)", err);
	ok(strstr(err, "TCB level not found") != NULL, "reason says so");
	is_int(ev.crl_checked, 3, "both CRLs checked (SPR PCK not revoked)");
	is_int(ev.qe_status, TDX_TCB_UP_TO_DATE, "QE identity -> UpToDate");
	r = tdx_verify_evidence(&q, c, NULL, T("2023-07-20T00:00:00Z"), &ev,
	    err, sizeof(err));
	is_int(r, ATTEST_REJECT_EXPIRED, "same collateral after nextUpdate: "
	    "expired (%s)", err);
	tdx_collateral_free(c);

	/* Different FMSPC, genuinely signed: v5 TCB Info for the SPR quote. */
	c = coll_files("tdx/go-tdx-guest/", v5);
	r = tdx_verify_evidence(&q, c, NULL, T("2026-02-03T00:00:00Z"), &ev,
	    err, sizeof(err));
	is_int(r, ATTEST_REJECT_COLLATERAL, "SPR quote + TCB Info of FMSPC "
	    "90c06f000000: FMSPC mismatch (%s)", err);
	ok(strstr(err, "FMSPC") != NULL, "reason names the FMSPC");
	free(b);

	/* v5 sample + its TCB Info: UpToDate, module TDX_01 UpToDate. */
	b = load("tdx/go-tdx-guest/quote_v5_sample.dat", &len);
	tdx_quote_parse(b, len, &q, err, sizeof(err));
	r = tdx_verify_evidence(&q, c, NULL, T("2026-02-03T00:00:00Z"), &ev,
	    err, sizeof(err));
	is_int(r, ATTEST_OK, "v5 sample + TCB Info at 2026-02-03 (%s)",
	    r ? err : "ok");
	ok(ev.have_collateral && ev.platform_status == TDX_TCB_UP_TO_DATE &&
	    ev.module_status == TDX_TCB_UP_TO_DATE &&
	    ev.status == TDX_TCB_UP_TO_DATE, "v5: TCB UpToDate, TDX_01 "
	    "UpToDate");
	is_int(ev.tcb_eval_number, 18, "v5: tcbEvaluationDataNumber 18");
	r = tdx_verify_evidence(&q, c, NULL, T("2026-03-04T00:00:00Z"), &ev,
	    err, sizeof(err));
	is_int(r, ATTEST_REJECT_EXPIRED, "v5 TCB Info after nextUpdate: "
	    "expired (%s)", err);
	memset(&o, 0, sizeof(o));
	o.require_collateral = 1;
	r = tdx_verify_evidence(&q, NULL, &o, T("2026-02-03T00:00:00Z"), &ev,
	    err, sizeof(err));
	is_int(r, ATTEST_REJECT_COLLATERAL, "collateral required, none "
	    "given: rejected");
	tdx_collateral_free(c);
	free(b);

	/* trustee quote 6: OutOfDate platform, TDX_03 and QE UpToDate. */
	b = load("tdx/trustee/tdx_quote_6.dat", &len);
	tdx_quote_parse(b, len, &q, err, sizeof(err));
	c = coll_files("tdx/trustee/", t6);
	ok(c != NULL, "trustee collateral loads (no issuer chain: built-in "
	    "TCB Signing cert)");
	r = tdx_verify_evidence(&q, c, NULL, T("2025-11-01T00:00:00Z"), &ev,
	    err, sizeof(err));
	is_int(r, ATTEST_REJECT_TCB, "quote 6: OutOfDate refused by default "
	    "(%s)", err);
	ok(ev.platform_status == TDX_TCB_OUT_OF_DATE &&
	    ev.module_status == TDX_TCB_UP_TO_DATE &&
	    ev.qe_status == TDX_TCB_UP_TO_DATE &&
	    ev.status == TDX_TCB_OUT_OF_DATE, "quote 6: platform OutOfDate, "
	    "TDX_03 UpToDate, QE UpToDate");
	r = tdx_verify_evidence(&q, c, NULL, T("2025-10-27T20:00:00Z"), &ev,
	    err, sizeof(err));
	is_int(r, ATTEST_REJECT_EXPIRED, "quote 6 before QE Identity's "
	    "issueDate (%s)", err);
	ok(strstr(err, "QE Identity is valid") != NULL, "reason names the "
	    "QE Identity window");
	o.require_collateral = 1;
	o.accept_status = TDX_TCB_ACCEPT_DEFAULT |
	    TDX_TCB_MASK(TDX_TCB_OUT_OF_DATE);
	r = tdx_verify_evidence(&q, c, &o, T("2025-11-01T00:00:00Z"), &ev,
	    err, sizeof(err));
	is_int(r, ATTEST_OK, "quote 6: accepted when OutOfDate is allowed "
	    "(%s)", r ? err : "ok");
	is_int(ev.n_advisories, 0, "quote 6: its OutOfDate level (PCESVN "
	    "11 < 13) lists no advisories");
	tdx_collateral_free(c);
	free(b);

	/* dcap-qvl: full collateral, three loaders, UpToDate. */
	b = load("tdx/dcap-qvl/tdx_quote.dat", &len);
	tdx_quote_parse(b, len, &q, err, sizeof(err));
	for (i = 0; i < 3; i++) {
		const char *how = i == 0 ? "bundle JSON" : i == 1 ?
		    "flat files" : "directory";

		if (i == 0)
			c = coll_json("tdx/dcap-qvl/tdx_quote_collateral.json");
		else if (i == 1)
			c = coll_files("tdx/dcap-qvl/tdx_quote_collateral.",
			    flat);
		else {
			int k;

			c = NULL;
			if (mkdtemp(dir) == NULL)
				break;
			for (k = 0; k < TDX_COLL__MAX; k++) {
				snprintf(src, sizeof(src), "%s/vectors/tdx/"
				    "dcap-qvl/tdx_quote_collateral.%s", shared,
				    flat[k]);
				snprintf(dst, sizeof(dst), "%s/%s", dir,
				    flat[k]);
				if (symlink(src, dst) != 0)
					tap_diag("symlink %s failed", dst);
			}
			if (tdx_collateral_load_dir(dir, &c, err,
			    sizeof(err)) != 0)
				tap_diag("load_dir: %s", err);
		}
		ok(c != NULL, "dcap-qvl collateral loads from %s", how);
		r = tdx_verify_evidence(&q, c, NULL, T("2025-07-01T00:00:00Z"),
		    &ev, err, sizeof(err));
		is_int(r, ATTEST_OK, "dcap-qvl quote + collateral (%s) at "
		    "2025-07-01 (%s)", how, r ? err : "ok");
		ok(ev.status == TDX_TCB_UP_TO_DATE && ev.n_advisories == 0 &&
		    ev.crl_checked == 3 && ev.tcb_eval_number == 17,
		    "dcap-qvl: UpToDate, no advisories, both CRLs, eval 17");
		r = tdx_verify_evidence(&q, c, NULL, T("2025-07-20T00:00:00Z"),
		    &ev, err, sizeof(err));
		is_int(r, ATTEST_REJECT_EXPIRED, "dcap-qvl collateral after "
		    "nextUpdate: expired (%s)", err);
		tdx_collateral_free(c);
	}
	if (dir[sizeof(dir) - 7] != 'X') {
		for (i = 0; i < TDX_COLL__MAX; i++) {
			snprintf(dst, sizeof(dst), "%s/%s", dir, flat[i]);
			unlink(dst);
		}
		rmdir(dir);
	}

	/* Tampered collateral signature and signed bytes. */
	b2 = load("tdx/dcap-qvl/tdx_quote_collateral.tcb_info.json", &len2);
	c = tdx_collateral_new();
	b2[len2 / 2] ^= 0x01;
	ok(tdx_collateral_set(c, TDX_COLL_TCB_INFO, b2, len2, err,
	    sizeof(err)) != 0 || (tdx_collateral_set(c, TDX_COLL_TCB_INFO_SIG,
	    (const uint8_t *)"00", 2, err, sizeof(err)) != 0),
	    "corrupted TCB Info JSON refused at load (%s)", err);
	tdx_collateral_free(c);
	b2[len2 / 2] ^= 0x01;
	{
		char	*e = strstr((char *)b2, "\"tcbEvaluationDataNumber\":17");
		uint8_t	*s2;
		size_t	 sl;

		ok(e != NULL, "dcap-qvl TCB Info has evaluation number 17");
		if (e != NULL)
			e[strlen("\"tcbEvaluationDataNumber\":1")] = '8';
		s2 = load("tdx/dcap-qvl/tdx_quote_collateral.tcb_info.sig",
		    &sl);
		c = tdx_collateral_new();
		ok(tdx_collateral_set(c, TDX_COLL_TCB_INFO, b2, len2, err,
		    sizeof(err)) == 0 && tdx_collateral_set(c,
		    TDX_COLL_TCB_INFO_SIG, s2, sl, err, sizeof(err)) == 0,
		    "TCB Info with evaluation number changed to 18 loads");
		r = tdx_verify_evidence(&q, c, NULL,
		    T("2025-07-01T00:00:00Z"), &ev, err, sizeof(err));
		is_int(r, ATTEST_REJECT_COLLATERAL, "changed signed bytes: "
		    "TCB Info signature fails (%s)", err);
		tdx_collateral_free(c);
		free(s2);
	}
	free(b2);
	{
		static const char *const nosig[TDX_COLL__MAX] = {
			[TDX_COLL_TCB_INFO] = "tcb_info.json",
			[TDX_COLL_TCB_INFO_SIG] = "qe_identity.sig",
		};
		c = coll_files("tdx/dcap-qvl/tdx_quote_collateral.", nosig);
		r = tdx_verify_evidence(&q, c, NULL,
		    T("2025-07-01T00:00:00Z"), &ev, err, sizeof(err));
		is_int(r, ATTEST_REJECT_COLLATERAL, "TCB Info with another "
		    "object's signature: rejected (%s)", err);
		tdx_collateral_free(c);
	}
	free(b);

	/* The expired 2018 TCB Signing chain: the built-in 2025 copy of the
	 * same key takes over. */
	{
		static const char *const old18[TDX_COLL__MAX] = {
			[TDX_COLL_TCB_INFO] = "tdx_quote_collateral.tcb_info.json",
			[TDX_COLL_TCB_INFO_SIG] =
			    "tdx_quote_collateral.tcb_info.sig",
			[TDX_COLL_TCB_ISSUER_CHAIN] =
			    "../../roots/intel/tcb_signing_chain_2018.pem",
		};
		b = load("tdx/dcap-qvl/tdx_quote.dat", &len);
		tdx_quote_parse(b, len, &q, err, sizeof(err));
		c = coll_files("tdx/dcap-qvl/", old18);
		r = tdx_verify_evidence(&q, c, NULL,
		    T("2025-07-01T00:00:00Z"), &ev, err, sizeof(err));
		is_int(r, ATTEST_OK, "collateral with the expired 2018 signer "
		    "chain verifies via the built-in 2025 copy (%s)",
		    r ? err : "ok");
		tdx_collateral_free(c);
		free(b);
	}

	/* outdated: crypto fine, no TCB level matches. */
	b = load("tdx/dcap-qvl/tdx_quote_outdated.dat", &len);
	tdx_quote_parse(b, len, &q, err, sizeof(err));
	c = coll_json("tdx/dcap-qvl/tdx_quote_outdated_collateral.json");
	ok(c != NULL, "outdated collateral loads");
	r = tdx_verify_evidence(&q, c, NULL, T("2026-03-01T00:00:00Z"), &ev,
	    err, sizeof(err));
	is_int(r, ATTEST_REJECT_TCB, "outdated quote: TCB level not found "
	    "(%s)", err);
	ok(strstr(err, "not supported") != NULL, "reason: not supported");
	is_int(ev.pck.comp_svn[7], 3, "PCK SGX comp #8 is 3");
	tdx_collateral_free(c);
	free(b);
}

/* Replace the PEM chain in a quote, fixing the three length fields. */
static uint8_t *
with_chain(const struct tdx_quote *q, const char *pem, size_t *outlen)
{
	size_t	 pl = strlen(pem), head = (size_t)(q->pck_chain - q->raw);
	uint8_t	*o;
	uint32_t v;

	*outlen = head + pl;
	if ((o = malloc(*outlen)) == NULL)
		exit(1);
	memcpy(o, q->raw, head);
	memcpy(o + head, pem, pl);
	v = (uint32_t)(*outlen - q->sig_data_off);
	memcpy(o + q->sig_data_off - 4, &v, 4);		/* LE host */
	v = (uint32_t)(*outlen - (q->sig_data_off + 134));
	memcpy(o + q->sig_data_off + 130, &v, 4);
	v = (uint32_t)pl;
	memcpy(o + head - 4, &v, 4);
	return o;
}

static enum attest_reject
verify_buf(const uint8_t *b, size_t len, time_t at, char *err, size_t el)
{
	struct tdx_quote	 q;
	struct tdx_evidence	 ev;
	enum attest_reject	 r;

	if ((r = tdx_quote_parse(b, len, &q, err, el)) != ATTEST_OK)
		return r;
	return tdx_verify_evidence(&q, NULL, NULL, at, &ev, err, el);
}

static void
test_tamper(void)
{
	struct tdx_quote	 q;
	uint8_t			*b, *m;
	size_t			 len, i, bit, n, bad, ml, k;
	char			 err[ATTEST_ERR_LEN], *pem, *p;
	time_t			 at;
	enum attest_reject	 r;
	unsigned		 f;

	for (f = 0; f < NVECS; f++) {
		const char *file = vecs[f].file;

		b = load(file, &len);
		at = T(vecs[f].when);
		tdx_quote_parse(b, len, &q, err, sizeof(err));
		m = malloc(len);
		memcpy(m, b, len);

		/* Every bit of header + body. */
		for (bit = 0, bad = 0, n = 0; bit < q.signed_len * 8; bit++) {
			m[bit / 8] ^= 1 << (bit % 8);
			r = verify_buf(m, len, at, err, sizeof(err));
			if (r != ATTEST_REJECT_SIGNATURE &&
			    r != ATTEST_REJECT_MALFORMED) {
				if (bad++ < 3)
					tap_diag("bit %zu: %d", bit, r);
			}
			n++;
			m[bit / 8] ^= 1 << (bit % 8);
		}
		ok(bad == 0 && n == q.signed_len * 8, "%s: all %zu bit flips "
		    "in header+body rejected", file, n);

		/* Every bit of the QE report for the first two (v4, v5);
		 * one bit of every byte for the rest. */
		for (k = 0, bad = 0, n = 0; k < (f < 2 ? 8u : 1u) *
		    TDX_QE_REPORT_LEN; k++) {
			bit = f < 2 ? k : k * 8 + k % 8;
			i = q.qe_report_off + bit / 8;
			m[i] ^= 1 << (bit % 8);
			r = verify_buf(m, len, at, err, sizeof(err));
			if (r != ATTEST_REJECT_SIGNATURE)
				bad++;
			n++;
			m[i] ^= 1 << (bit % 8);
		}
		ok(bad == 0, "%s: all %zu bit flips in the QE report fail the "
		    "QE signature", file, n);

		/* A byte in each signature, the key and the auth data. */
		i = q.sig_data_off + 17;
		m[i] ^= 0x40;
		r = verify_buf(m, len, at, err, sizeof(err));
		is_int(r, ATTEST_REJECT_SIGNATURE, "%s: quote signature byte "
		    "flipped (%s)", file, err);
		m[i] ^= 0x40;
		i = q.qe_report_off + TDX_QE_REPORT_LEN + 40;
		m[i] ^= 0x02;
		r = verify_buf(m, len, at, err, sizeof(err));
		is_int(r, ATTEST_REJECT_SIGNATURE, "%s: QE report signature "
		    "byte flipped", file);
		m[i] ^= 0x02;
		i = q.sig_data_off + 64 + 5;
		m[i] ^= 0x01;
		r = verify_buf(m, len, at, err, sizeof(err));
		is_int(r, ATTEST_REJECT_SIGNATURE, "%s: attestation key byte "
		    "flipped: quote signature fails (%s)", file, err);
		m[i] ^= 0x01;
		i = (size_t)(q.qe_auth - q.raw) + 3;
		m[i] ^= 0x80;
		r = verify_buf(m, len, at, err, sizeof(err));
		is_int(r, ATTEST_REJECT_BINDING, "%s: QE auth data changed: "
		    "binding fails", file);
		m[i] ^= 0x80;
		ok(memcmp(m, b, len) == 0 && verify_buf(m, len, at, err,
		    sizeof(err)) == ATTEST_OK, "%s: restored copy verifies",
		    file);

		/* Truncation at every length; padding. */
		for (ml = 0, bad = 0; ml < len; ml++) {
			struct tdx_quote t;

			r = tdx_quote_parse(m, ml, &t, err, sizeof(err));
			if ((ml < len - q.trailing) != (r ==
			    ATTEST_REJECT_MALFORMED))
				bad++;
		}
		ok(bad == 0, "%s: every truncation before the end of the "
		    "signature data is malformed, none after", file);
		tdx_quote_parse(m, 100, &q, err, sizeof(err));
		ok(strstr(err, "truncated") != NULL &&
		    strstr(err, vecs[f].version == 4 ? "body at offset 48" :
		    "body at offset 54") != NULL,
		    "truncation names field and offset: %s", err);
		free(m);
		m = calloc(1, len + 4096);
		memcpy(m, b, len);
		r = verify_buf(m, len + 4096, at, err, sizeof(err));
		is_int(r, ATTEST_OK, "%s: 4096 padding bytes are ignored",
		    file);
		free(m);

		/* PEM chain: truncated, and a different root. */
		tdx_quote_parse(b, len, &q, err, sizeof(err));
		pem = calloc(1, q.pck_chain_len + 1);
		memcpy(pem, q.pck_chain, q.pck_chain_len);
		p = strstr(pem, "-----BEGIN CERTIFICATE-----");
		p = p ? strstr(p + 1, "-----BEGIN CERTIFICATE-----") : NULL;
		p = p ? strstr(p + 1, "-----BEGIN CERTIFICATE-----") : NULL;
		if (p != NULL) {
			char	*swapped;
			size_t	 sl;

			*p = '\0';
			m = with_chain(&q, pem, &ml);
			r = verify_buf(m, ml, at, err, sizeof(err));
			is_int(r, ATTEST_REJECT_CHAIN, "%s: PEM chain without "
			    "the root: rejected (%s)", file, err);
			free(m);
			sl = strlen(pem) + strlen(tdx_intel_tcb_signing_2025_pem)
			    + 1;
			swapped = malloc(sl);
			snprintf(swapped, sl, "%s%s", pem,
			    tdx_intel_tcb_signing_2025_pem);
			m = with_chain(&q, swapped, &ml);
			r = verify_buf(m, ml, at, err, sizeof(err));
			is_int(r, ATTEST_REJECT_CHAIN, "%s: another Intel cert "
			    "as root: rejected (%s)", file, err);
			free(m);
			free(swapped);
			/* Anything but line ends and NULs after the root. */
			memcpy(pem, q.pck_chain, q.pck_chain_len);
			sl = q.pck_chain_len + 8;
			swapped = calloc(1, sl);
			snprintf(swapped, sl, "%.*sjunk\n",
			    (int)strcspn(pem, "\0"), pem);
			m = with_chain(&q, swapped, &ml);
			r = verify_buf(m, ml, at, err, sizeof(err));
			is_int(r, ATTEST_REJECT_CHAIN, "%s: text after the "
			    "root: rejected (%s)", file, err);
			free(m);
			free(swapped);
			/* Truncated PEM text of the leaf. */
			memcpy(pem, q.pck_chain, q.pck_chain_len);
			pem[200] = '\0';
			m = with_chain(&q, pem, &ml);
			r = verify_buf(m, ml, at, err, sizeof(err));
			is_int(r, ATTEST_REJECT_CHAIN, "%s: truncated PEM: "
			    "rejected (%s)", file, err);
			free(m);
		} else
			ok(0, "three PEM certificates in %s", file);
		free(pem);
		free(b);
	}
}

static void
fill_refval(struct tdx_refval *rv, const struct tdx_quote *q)
{
	int	 i;

	memset(rv, 0, sizeof(*rv));
	memcpy(rv->mr_td, q->body.mr_td, 48);
	memcpy(rv->mr_seam, q->body.mr_seam, 48);
	for (i = 0; i < 4; i++)
		memcpy(rv->rtmrs[i], q->body.rtmr[i], 48);
	memcpy(rv->xfam, q->body.xfam, 8);
	/* The manifest's fixed value: only SEPT_VE_DISABLE. */
	rv->td_attributes[3] = 0x10;
}

static void
test_refvals(void)
{
	struct tdx_collateral	*c;
	struct tdx_quote	 q;
	struct tdx_evidence	 ev;
	struct tdx_refval	 rv[2], *x = &rv[1];
	struct refvals		 rvs = { NULL, 0, rv, 2 };
	struct attest_verdict	 vd;
	uint8_t			*b, rd[64], piid[1][TDX_PIID_LEN];
	size_t			 len;
	char			 err[1024];
	time_t			 at = T("2025-07-01T00:00:00Z");
	enum attest_reject	 r;
	int			 i;
	static const uint8_t	 zero[32];

	b = load("tdx/dcap-qvl/tdx_quote.dat", &len);
	c = coll_json("tdx/dcap-qvl/tdx_quote_collateral.json");
	tdx_quote_parse(b, len, &q, err, sizeof(err));
	fill_refval(&rv[0], &q);
	rv[0].mr_td[0] ^= 1;		/* entry 0 does not match */
	fill_refval(x, &q);
	memcpy(rd, q.body.report_data, 64);

	r = tdx_verify(b, len, c, &rvs, rd, at, &vd, err, sizeof(err));
	is_int(r, ATTEST_OK, "dcap-qvl quote with matching entry 1 (%s)",
	    r ? err : "ok");
	ok(vd.platform == ATTEST_PLATFORM_TDX && vd.refval_index == 1 &&
	    vd.reason == ATTEST_OK && memcmp(vd.policy_hash, zero, 32) == 0,
	    "verdict: TDX, entry 1, policy hash = MRCONFIGID[0:32]");
	r = tdx_verify(b, len, NULL, &rvs, NULL, at, &vd, err, sizeof(err));
	is_int(r, ATTEST_OK, "without collateral and REPORTDATA check");

#define NEG(mut, undo, want, what) do {					\
	mut;								\
	r = tdx_verify(b, len, c, &rvs, rd, at, &vd, err, sizeof(err));	\
	is_int(r, want, "%s -> %s (%s)", what, attest_reject_name(want), \
	    err);							\
	ok(vd.reason == want && vd.platform == ATTEST_PLATFORM_NONE,	\
	    "verdict carries the reason, no platform");			\
	undo;								\
} while (0)
	NEG(x->mr_td[47] ^= 1, x->mr_td[47] ^= 1, ATTEST_REJECT_MEASUREMENT,
	    "MRTD differs");
	NEG(x->mr_seam[0] ^= 1, x->mr_seam[0] ^= 1,
	    ATTEST_REJECT_MEASUREMENT, "MRSEAM differs");
	for (i = 0; i < 4; i++)
		NEG(x->rtmrs[i][i] ^= 1, x->rtmrs[i][i] ^= 1,
		    ATTEST_REJECT_MEASUREMENT, "an RTMR differs");
	NEG(x->xfam[0] ^= 1, x->xfam[0] ^= 1, ATTEST_REJECT_POLICY,
	    "XFAM differs");
	NEG(x->td_attributes[0] ^= 1, x->td_attributes[0] ^= 1,
	    ATTEST_REJECT_POLICY, "TDATTRIBUTES want DEBUG");
	NEG(x->td_attributes[3] = 0, x->td_attributes[3] = 0x10,
	    ATTEST_REJECT_POLICY, "TDATTRIBUTES without SEPT_VE_DISABLE");
	NEG(rd[63] ^= 1, rd[63] ^= 1, ATTEST_REJECT_REPORT_DATA,
	    "REPORTDATA differs");
	NEG(x->min_tcb_evaluation_data_number = 18,
	    x->min_tcb_evaluation_data_number = 0, ATTEST_REJECT_TCB,
	    "MinTCBEvaluationDataNumber 18 > 17");
	x->min_tcb_evaluation_data_number = 17;
	r = tdx_verify(b, len, c, &rvs, rd, at, &vd, err, sizeof(err));
	is_int(r, ATTEST_OK, "MinTCBEvaluationDataNumber 17 == 17 accepted");
	r = tdx_verify(b, len, NULL, &rvs, rd, at, &vd, err, sizeof(err));
	is_int(r, ATTEST_REJECT_TCB, "MinTCBEvaluationDataNumber without "
	    "collateral: rejected (%s)", err);
	x->min_tcb_evaluation_data_number = 0;

	tdx_verify_evidence(&q, c, NULL, at, &ev, err, sizeof(err));
	memset(piid, 0xab, sizeof(piid));
	x->allowed_piids = piid;
	x->n_allowed_piids = 1;
	r = tdx_verify(b, len, c, &rvs, rd, at, &vd, err, sizeof(err));
	is_int(r, ATTEST_REJECT_PLATFORM_ID, "PIID not in AllowedPIIDs (%s)",
	    err);
	if (ev.pck.has_piid) {
		memcpy(piid[0], ev.pck.piid, TDX_PIID_LEN);
		r = tdx_verify(b, len, c, &rvs, rd, at, &vd, err, sizeof(err));
		is_int(r, ATTEST_OK, "PIID in AllowedPIIDs accepted");
	} else
		tap_skip(1, "PCK has no PIID");
	x->n_allowed_piids = 0;
	x->allowed_piids = NULL;
	x->memory_integrity = 1;
	r = tdx_verify(b, len, c, &rvs, rd, at, &vd, err, sizeof(err));
	is_int(r, ev.pck.sgx_type == 2 ? ATTEST_OK : ATTEST_REJECT_PLATFORM_ID,
	    "MemoryIntegrity vs PCK SGX type %d", ev.pck.sgx_type);
	x->memory_integrity = 0;

	rvs.n_tdx = 0;
	r = tdx_verify(b, len, c, &rvs, rd, at, &vd, err, sizeof(err));
	is_int(r, ATTEST_REJECT_NO_REFVAL, "no TDX reference values");
	rvs.n_tdx = 2;
	r = tdx_verify(b, len, c, &rvs, rd, T("2025-08-01T00:00:00Z"), &vd,
	    err, sizeof(err));
	is_int(r, ATTEST_REJECT_EXPIRED, "tdx_verify after collateral expiry");
	tdx_collateral_free(c);
	free(b);

	/* MRCONFIGID with a non-zero tail is not a Contrast policy hash. */
	b = load("tdx/trustee/tdx_quote_6.dat", &len);
	tdx_quote_parse(b, len, &q, err, sizeof(err));
	fill_refval(x, &q);
	rvs.tdx = x;
	rvs.n_tdx = 1;
	r = tdx_verify(b, len, NULL, &rvs, NULL, T("2025-11-01T00:00:00Z"),
	    &vd, err, sizeof(err));
	is_int(r, ATTEST_REJECT_POLICY, "MRCONFIGID[32:48] non-zero (%s)",
	    err);
	free(b);

	/* A debug TD only passes if the entry explicitly wants DEBUG. */
	b = load("tdx/trustee/tdx_quote_4.dat", &len);
	tdx_quote_parse(b, len, &q, err, sizeof(err));
	fill_refval(x, &q);
	r = tdx_verify(b, len, NULL, &rvs, NULL, T("2026-11-22T00:00:00Z"),
	    &vd, err, sizeof(err));
	is_int(r, ATTEST_REJECT_POLICY, "debug TD vs fixed TDATTRIBUTES");
	x->td_attributes[0] = 0x01;
	r = tdx_verify(b, len, NULL, &rvs, NULL, T("2026-11-22T00:00:00Z"),
	    &vd, err, sizeof(err));
	is_int(r, ATTEST_OK, "debug TD with an explicit DEBUG entry");
	free(b);
}

/* A throwaway P-256 certificate; issuer NULL = self-signed. */
static X509 *
mk_cert(EVP_PKEY *key, const char *cn, long serial, X509 *issuer,
    EVP_PKEY *ikey, time_t at)
{
	X509		*x = X509_new();
	X509_NAME	*n = X509_NAME_new();

	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0);
	X509_set_subject_name(x, n);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : n);
	X509_time_adj_ex(X509_getm_notBefore(x), -1, 0, &at);
	X509_time_adj_ex(X509_getm_notAfter(x), 1, 0, &at);
	X509_set_pubkey(x, key);
	X509_sign(x, ikey, EVP_sha256());
	X509_NAME_free(n);
	return x;
}

static X509_CRL *
mk_crl(X509 *issuer, EVP_PKEY *ikey, long revoked, time_t last, time_t next)
{
	X509_CRL	*crl = X509_CRL_new();
	X509_REVOKED	*rv = X509_REVOKED_new();
	ASN1_INTEGER	*sn = ASN1_INTEGER_new();
	ASN1_TIME	*t = ASN1_TIME_new();

	X509_CRL_set_version(crl, 1);
	X509_CRL_set_issuer_name(crl, X509_get_subject_name(issuer));
	ASN1_TIME_set(t, last);
	X509_CRL_set1_lastUpdate(crl, t);
	X509_REVOKED_set_revocationDate(rv, t);
	ASN1_TIME_set(t, next);
	X509_CRL_set1_nextUpdate(crl, t);
	ASN1_INTEGER_set(sn, revoked);
	X509_REVOKED_set_serialNumber(rv, sn);
	X509_CRL_add0_revoked(crl, rv);
	X509_CRL_sort(crl);
	X509_CRL_sign(crl, ikey, EVP_sha256());
	ASN1_INTEGER_free(sn);
	ASN1_TIME_free(t);
	return crl;
}

static void
test_crl(void)
{
	static const char *const swapped[TDX_COLL__MAX] = {
		[TDX_COLL_ROOT_CA_CRL] = "pck_crl.der",
	};
	static const char *const stale[TDX_COLL__MAX] = {
		[TDX_COLL_PCK_CRL] = "pckcrl",
	};
	time_t			 at = T("2025-07-01T00:00:00Z");
	EVP_PKEY		*ck = EVP_EC_gen("P-256"), *lk =
				    EVP_EC_gen("P-256"), *ok2 =
				    EVP_EC_gen("P-256");
	X509			*ca, *leaf, *other;
	X509_CRL		*crl, *forged;
	struct tdx_collateral	*c;
	struct tdx_quote	 q;
	struct tdx_evidence	 ev;
	uint8_t			*b;
	size_t			 len;
	char			 err[ATTEST_ERR_LEN];
	enum attest_reject	 r;

	ca = mk_cert(ck, "Test CA", 1, NULL, ck, at);
	leaf = mk_cert(lk, "Test leaf", 0x1234, ca, ck, at);
	other = mk_cert(lk, "Test leaf", 0x1235, ca, ck, at);
	crl = mk_crl(ca, ck, 0x1234, at - 86400, at + 86400);
	forged = mk_crl(ca, ok2, 0x9999, at - 86400, at + 86400);
	r = tdx_crl_check(crl, ca, leaf, at, "test CRL", err, sizeof(err));
	is_int(r, ATTEST_REJECT_REVOKED, "listed serial: revoked (%s)", err);
	r = tdx_crl_check(crl, ca, other, at, "test CRL", err, sizeof(err));
	is_int(r, ATTEST_OK, "unlisted serial: not revoked");
	r = tdx_crl_check(crl, ca, other, at + 2 * 86400, "test CRL", err,
	    sizeof(err));
	is_int(r, ATTEST_REJECT_EXPIRED, "after nextUpdate: stale (%s)", err);
	r = tdx_crl_check(crl, ca, other, at - 2 * 86400, "test CRL", err,
	    sizeof(err));
	is_int(r, ATTEST_REJECT_EXPIRED, "before thisUpdate: refused");
	r = tdx_crl_check(forged, ca, leaf, at, "test CRL", err, sizeof(err));
	is_int(r, ATTEST_REJECT_COLLATERAL, "CRL signed by another key (%s)",
	    err);
	X509_CRL_free(crl);
	X509_CRL_free(forged);
	X509_free(ca);
	X509_free(leaf);
	X509_free(other);
	EVP_PKEY_free(ck);
	EVP_PKEY_free(lk);
	EVP_PKEY_free(ok2);

	b = load("tdx/dcap-qvl/tdx_quote.dat", &len);
	tdx_quote_parse(b, len, &q, err, sizeof(err));
	c = coll_files("tdx/dcap-qvl/tdx_quote_collateral.", swapped);
	r = tdx_verify_evidence(&q, c, NULL, at, &ev, err, sizeof(err));
	is_int(r, ATTEST_REJECT_COLLATERAL, "PCK CRL given as root CA CRL: "
	    "wrong issuer (%s)", err);
	tdx_collateral_free(c);
	c = coll_files("tdx/go-tdx-guest/", stale);
	r = tdx_verify_evidence(&q, c, NULL, at, &ev, err, sizeof(err));
	is_int(r, ATTEST_REJECT_EXPIRED, "2023 PCK CRL at 2025-07-01: stale "
	    "(%s)", err);
	tdx_collateral_free(c);
	free(b);
}

static void
test_print_detect(void)
{
	struct tdx_quote	 q;
	uint8_t			*b;
	size_t			 len, ol;
	char			 err[ATTEST_ERR_LEN], *out;
	FILE			*f;
	json_t			*j;
	json_error_t		 je;

	b = load("tdx/go-tdx-guest/quote_v5_sample.dat", &len);
	tdx_quote_parse(b, len, &q, err, sizeof(err));
	f = open_memstream(&out, &ol);
	tdx_quote_print(f, &q, 0);
	fclose(f);
	ok(strstr(out, "mr_td: 7348651a34b2d2d3462822e3a750ec6110125f36757c"
	    "78480bbfc69cc0d21fb001a1ced3ee19747dda8f750c3bc8f876\n") != NULL &&
	    strstr(out, "mr_servicetd: " Z48 "\n") != NULL &&
	    strstr(out, "pck_fmspc: 90c06f000000\n") != NULL,
	    "text print has MRTD, MRSERVICETD and the PCK FMSPC");
	free(out);
	f = open_memstream(&out, &ol);
	tdx_quote_print(f, &q, 1);
	fclose(f);
	j = json_loads(out, JSON_REJECT_DUPLICATES, &je);
	ok(j != NULL, "JSON print parses");
	is_str(json_string_value(json_object_get(j, "tee_tcb_svn2")),
	    "0d010400000000000000000000000000", "JSON tee_tcb_svn2");
	is_int(json_integer_value(json_object_get(j, "version")), 5,
	    "JSON version");
	is_int(json_integer_value(json_object_get(j, "pck_pcesvn")), 13,
	    "JSON pck_pcesvn");
	json_decref(j);
	free(out);
	free(b);

	b = load("snp/go-sev-guest/attestation.bin", &len);
	ok(!tdx_is_quote(b, len), "an SNP report is not a TDX quote");
	free(b);
	ok(!tdx_is_quote((const uint8_t *)"\x04\x00\x02\x00\x81", 5),
	    "a 5-byte prefix is not a quote");
	is_int(tdx_quote_parse((const uint8_t *)"", 0, &q, err, sizeof(err)),
	    ATTEST_REJECT_MALFORMED, "empty input: %s", err);
}

static void
test_collateral_forms(void)
{
	struct tdx_collateral	*c = tdx_collateral_new();
	char			 err[ATTEST_ERR_LEN];
	size_t			 off, vl;
	static const char	 j1[] =
	    "{\"a\":[1,{\"tcbInfo\":2}],\"tcbInfo\" : {\"x\":\"}\\\"\"} }";
	static const char	 bad[] = "{\"tcbInfo\":{\"id\":\"TDX\","
	    "\"version\":3},\"signature\":\"" Z64 "\"}";
	time_t			 t;

	ok(tdx_json_span((const uint8_t *)j1, strlen(j1), "tcbInfo", &off,
	    &vl, err, sizeof(err)) == 0 &&
	    vl == strlen("{\"x\":\"}\\\"\"}") &&
	    memcmp(j1 + off, "{\"x\":\"}\\\"\"}", vl) == 0,
	    "signed span is the top-level member's exact text");
	ok(tdx_collateral_set(c, TDX_COLL_TCB_INFO, (const uint8_t *)bad,
	    strlen(bad), err, sizeof(err)) != 0 &&
	    strstr(err, "tcbInfo.issueDate") != NULL,
	    "TCB Info lacking fields: %s", err);
	ok(tdx_collateral_set(c, TDX_COLL_QE_IDENTITY, (const uint8_t *)"{",
	    1, err, sizeof(err)) != 0, "broken JSON: %s", err);
	ok(tdx_collateral_set(c, TDX_COLL_PCK_CRL, (const uint8_t *)"xx", 2,
	    err, sizeof(err)) != 0, "non-CRL: %s", err);
	ok(tdx_time_parse("2024-02-29T00:00:00Z", &t) == 0 &&
	    tdx_time_parse("2025-02-29T00:00:00Z", &t) != 0 &&
	    tdx_time_parse("2025-13-01T00:00:00Z", &t) != 0 &&
	    tdx_time_parse("2025-06-19T10:16:03Z", &t) == 0 &&
	    t == 1750328163, "time parser");
	tdx_collateral_free(c);
}

int
main(void)
{
	if ((shared = tap_shared_dir()) == NULL)
		tap_skip_all("../shared (TDX test vectors) not found; set "
		    "SHARED_DIR");
	test_vectors();
	test_times();
	test_collateral();
	test_tamper();
	test_refvals();
	test_crl();
	test_print_detect();
	test_collateral_forms();
	return tap_done();
}
