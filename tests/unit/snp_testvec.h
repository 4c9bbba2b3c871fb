/*
 * Shared by the tests/unit/test_snp*.c programs: the table of SEV-SNP
 * vectors from ../shared/vectors/README.md with their expected values,
 * and loaders.  Header-only so that each test stays one program.
 */
#ifndef TESTS_SNP_TESTVEC_H
#define TESTS_SNP_TESTVEC_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "snp.h"
#include "util.h"

#define T_2026_11_22	1795305600	/* 2026-11-22T00:00:00Z */
#define T_2025_06_01	1748736000	/* 2025-06-01T00:00:00Z */

struct snp_vec {
	const char	*report;	/* relative to $SHARED_DIR/vectors */
	int		 report_hex;	/* the file is hex text */
	const char	*vcek;
	const char	*chain[2];	/* optional extra chain files */
	enum snp_product product;
	enum snp_signer	 signer;
	time_t		 at;
	const char	*product_name;	/* VCEK productName */
	uint32_t	 version, vmpl, guest_svn;
	uint64_t	 policy, platform_info, reported_tcb, current_tcb;
	const char	*fw, *cpuid;
	const char	*measurement, *host_data, *report_data, *chip_id,
			*id_key_digest, *report_id;
};

static const struct snp_vec snp_vecs[] = {
	{ "snp/go-sev-guest/attestation.bin", 0, "snp/go-sev-guest/vcek.testcer",
	  { NULL, NULL }, SNP_PRODUCT_MILAN, SNP_SIGNER_VCEK, T_2026_11_22,
	  "Milan-B0", 2, 0, 0, 0xb0000, 0x1, 0x4405000000000002ULL,
	  0x4405000000000002ULL, "1.49.3", NULL,
	  "b07af9620f3b839b47996422ddec6058338951d984e312115131ea82705eaf5b6bdf8a9ece31a5a608eb0cf2e4872b01",
	  "0000000000000000000000000000000000000000000000000000000000000000",
	  "01020304050000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
	  "3ac3fe21e13fb0990eb28a802e3fb6a29483a6b0753590c951bdd3b8e53786184ca39e359669a2b76a1936776b564ea464cdce40c05f63c9b610c5068b006b5d",
	  "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
	  "8edc638e1857c555d21f6b11bda3c8b1b5a09dba4852b4c8ee7aa2f16f22cc0a" },
	{ "snp/virtee-sev/report_milan.hex", 1, "snp/virtee-sev/vcek_milan.der",
	  { "snp/virtee-sev/cert_chain_milan.pem", NULL }, SNP_PRODUCT_MILAN,
	  SNP_SIGNER_VCEK, T_2026_11_22,
	  "Milan-B0", 2, 0, 0, 0x30000, 0x1, 0x7308000000000003ULL,
	  0x7308000000000003ULL, "1.52.4", NULL,
	  "7a1e5c266c0108dbc9bb94fa926951320940915d0aafb42464bd88b579ea158d3e1a0dc39b2c60bd95b9c480cd81841f",
	  "0000000000000000000000000000000000000000000000000000000000000000",
	  "d447b55d197491bfe15cf298f9de9986b7a7c4be2468b4f6e2d53b71d7c645810b0f2cdfca0040433be063fc1a8293f0f3f8dae7b79fecb3d1cd82bd6a93ebfd",
	  "d49554ec717f4e5b0fe6b143bcf0405bd7ae304727edf46603f2a76aef6a3abc15d7af38db757039029f0efacfd08e244324884738c72b082e2f87a44d541eb6",
	  "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
	  "92b3b47d59f0a2a10a74c5678868a80238cf593c01a82f3cffb878e904c28d5b" },
	{ "snp/trustee/test-report.bin", 0, "snp/trustee/test-vcek.der",
	  { NULL, NULL }, SNP_PRODUCT_MILAN, SNP_SIGNER_VCEK, T_2026_11_22,
	  "Milan-B0", 2, 0, 4, 0x3001f, 0x1, 0x7308000000000003ULL,
	  0xce08000000000003ULL, "1.52.4", NULL,
	  "a1f3930413247bb38cfc171579ea3c12d5fe4901f0c792f63fd75d98f1ef827c23500644e0e692e6be917f9050d3d38c",
	  "0000000000000000000000000000000000000000000000000000000000000000",
	  "ec6c52d7533cc2c4f45be7849cf112ab82b2009fe7bd43e71ed08c14400ad7e20000000000000000000000000000000000000000000000000000000000000000",
	  "c38427a30d4c7af9d96f7a15b97269825a64cb76a2352ffd5d18115d89ad473f8e8c0bcd9a5d9286612bad4aadfb4426205a3b9e4fea82301135a170e477524e",
	  "0356215882a825279a85b300b0b742931d113bf7e32dde2e50ffde7ec743ca491ecdd7f336dc28a6e0b2bb57af7a44a3",
	  "385eba81216de4776548fcb86f8ead03c1ebc92b6207f3210d9ccebb89c99005" },
	{ "snp/trustee/test-vlek-report.bin", 0, "snp/trustee/test-vlek.der",
	  { "roots/amd/milan/asvk.pem", NULL }, SNP_PRODUCT_MILAN,
	  SNP_SIGNER_VLEK, T_2025_06_01,
	  "Milan", 3, 1, 0, 0x30000, 0x27, 0xd918000000000004ULL,
	  0xdc18000000000004ULL, "1.55.29", "19/01/01",
	  "8922ebbdd00ec2c541f36a6e7a82a8773a7accb451ed67bc94e740dbe92c93c4e8c9af857f5ceeb5a493df2a570d7bf0",
	  "0000000000000000000000000000000000000000000000000000000000000000",
	  "819770b7e6ea6df8dd8fd4dd146b073c0bf4f3ce5b0977ecac486e3a05ed1bd54e2a7ac1f5d1ca02e7d7d5ef9f73b8574fd9359e3a480d741a4478e8a7bc27ca",
	  "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
	  "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
	  "62e04fba700afd93b3a0cc0649b633ee36587fa8a8c2eb5d9b7cd7bc5f4bb057" },
	{ "snp/trustee/e2e-genoa-report.bin", 0, "snp/trustee/e2e-genoa-vcek.der",
	  { NULL, NULL }, SNP_PRODUCT_GENOA, SNP_SIGNER_VCEK, T_2026_11_22,
	  "Genoa", 3, 0, 0, 0x30000, 0x25, 0x191700000000000aULL,
	  0x191700000000000aULL, "1.55.40", "19/a0/02",
	  "6a6519d757e68c2e939c9dbbbc1828498e8de35d2766dd05f1a2cca5059d0cf4ae62a36d75c837974dd50b315506e73e",
	  "0000000000000000000000000000000000000000000000000000000000000000",
	  "7e7320889600c7ac133aea7b896c51f41026002982292a7369559796999c1bf929eef3ff23c46e858f0b1982f9a92b17c51b578d958cde6b0c92978f150cf9b0",
	  "371c55d6d15cb50f16dc31d39a24e300caaabff4431e841111429b73ec45ad67ea6e687ffae7bf84b54a5d0e6d79b3ef6ff0bd8b4cff94c2163af5c5de8718e8",
	  "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
	  "b34cb907a31ad237beb02efd236ab9899a7ddd66ff5beed2636765183a84e44f" },
	{ "snp/azure-via-trustee/milan-snp-report.bin", 0,
	  "snp/azure-via-trustee/milan-vcek-ask-ark.pem", { NULL, NULL },
	  SNP_PRODUCT_MILAN, SNP_SIGNER_VCEK, T_2026_11_22,
	  "Milan-B0", 2, 0, 5, 0x3001f, 0x1, 0x7308000000000003ULL,
	  0xd208000000000003ULL, "1.52.4", NULL,
	  "9ac48fcac8a2d88aeeff8d427ad4f2be0e3917c748a18bdf52cc317e7fe20308b459d5ef1a12e0c22944eb386d17c315",
	  "0000000000000000000000000000000000000000000000000000000000000000",
	  "b3fbad6514c83caeb0380882145e49f794229ef37c421b91fc47ff93556bafac0000000000000000000000000000000000000000000000000000000000000000",
	  "19752a447db501a32ade46428a46e92639bd3515dbb45e2e67bbcb0934ffcf1f3e3c004ccb4a99c9fa7e4ffb09da6b324ac58acedaf679f24ba7db5f838c6cca",
	  "0356215882a825279a85b300b0b742931d113bf7e32dde2e50ffde7ec743ca491ecdd7f336dc28a6e0b2bb57af7a44a3",
	  "0d4188526468615ddf11dac0e0ef1b2a712631b2b9ec02d0e863a8f6d69ed0b0" },
	{ "snp/azure-via-trustee/genoa-snp-report.bin", 0,
	  "snp/azure-via-trustee/genoa-vcek.pem", { NULL, NULL },
	  SNP_PRODUCT_GENOA, SNP_SIGNER_VCEK, T_2026_11_22,
	  "Genoa", 3, 0, 65547, 0x3001f, 0x24, 0x541700000000000aULL,
	  0x541700000000000aULL, "1.55.40", "19/11/01",
	  "f57dc09a507c6ecd82369bffb600f0003792f4d99bc26e985ec0c266fc34faf3706faf814c9e61065768a6ff917c89ae",
	  "0000000000000000000000000000000000000000000000000000000000000000",
	  "b581f12e29a2d7d64e5e0b738d563879a78b51c644d0fa0cce02b48699f6bf5f0000000000000000000000000000000000000000000000000000000000000000",
	  "0506ffba875e939c2729d20c74eb72b4c5ba6bf7ea1faaa640141f12c6d64782fb487f68ce69dcd021e914cc0d9244327bc121f0242d6470903ad1d4aaea4ad1",
	  "942fd93ebde6ea7a96efadeafc60f1c6b3d10e703b1dafd7555b92f7f3d32d0e006767648cba5b102af3d65756af4177",
	  "8c678f0cba548b25bc8ed1f723231570447886c74b1fa1f7eb23699755cb4801" },
	{ "snp/microsoft-tav/milan_attestation_report.bin", 0,
	  "snp/microsoft-tav/milan_vcek.pem",
	  { "snp/microsoft-tav/milan_ask.pem", "snp/microsoft-tav/milan_ark.pem" },
	  SNP_PRODUCT_MILAN, SNP_SIGNER_VCEK, T_2026_11_22,
	  "Milan-B0", 3, 0, 2, 0x3001f, 0x25, 0xdb18000000000004ULL,
	  0xdb18000000000004ULL, "1.55.29", "19/01/01",
	  "5feee30d6d7e1a29f403d70a4198237ddfb13051a2d6976439487c609388ed7f98189887920ab2fa0096903a0c23fca1",
	  "4f4448c67f3c8dfc8de8a5e37125d807dadcc41f06cf23f615dbd52eec777d10",
	  "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
	  "4ffb5cb4fd594f3fee6528fc3fb10370bb38abe89dcd5ba2cf0ab6a11df2ca282add516bef45a890a8c9f9732bdca68f9f3f16c42e846030a800295dbeb19ba5",
	  "0ad79ceb0b648b0e6a90d8aa9f6ea24c33a968b6632085353145e8b19a4741a2dab9ba342e13be4fc0d225e889cc1a58",
	  "5e01036273418d910bdca3f5cb9c7d849e88e2141483eb6cc9afd794ffbbbcbc" },
	{ "snp/microsoft-tav/genoa_attestation_report.bin", 0,
	  "snp/microsoft-tav/genoa_vcek.pem",
	  { "snp/microsoft-tav/genoa_ask.pem", "snp/microsoft-tav/genoa_ark.pem" },
	  SNP_PRODUCT_GENOA, SNP_SIGNER_VCEK, T_2026_11_22,
	  "Genoa", 3, 0, 2, 0x3001f, 0x27, 0x541700000000000aULL,
	  0x541700000000000aULL, "1.55.40", "19/11/01",
	  "5feee30d6d7e1a29f403d70a4198237ddfb13051a2d6976439487c609388ed7f98189887920ab2fa0096903a0c23fca1",
	  "4f4448c67f3c8dfc8de8a5e37125d807dadcc41f06cf23f615dbd52eec777d10",
	  "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
	  "b1e24a27bbc3a4d58090d8b89851dce3b8031544be249b9ac17132bb222b027622347ee4d0fe4f689efdfc47a68cefc686cbb448d01436506ee1e28010cab7c0",
	  "0ad79ceb0b648b0e6a90d8aa9f6ea24c33a968b6632085353145e8b19a4741a2dab9ba342e13be4fc0d225e889cc1a58",
	  "c840e4fc01bec5121388abbf2e850c5b1d482adab7a4b06c4d93028c56599429" },
	{ "snp/microsoft-tav/turin_attestation_report.bin", 0,
	  "snp/microsoft-tav/turin_vcek.pem",
	  { "snp/microsoft-tav/turin_ask.pem", "snp/microsoft-tav/turin_ark.pem" },
	  SNP_PRODUCT_TURIN, SNP_SIGNER_VCEK, T_2026_11_22,
	  "Turin", 5, 0, 2, 0x3001f, 0x65, 0x5100000004010101ULL,
	  0x5100000004010101ULL, "1.55.65", "1a/02/01",
	  "6d6c354511d6f7c6d7504668903dc5bdc066a048b651840d8d03fb85299ebfa142fccf1d1b0baca496841bdf243619d4",
	  "b3452a0ed30f1010bd32740dd1610bc63296ceb0f882f2cac3a3152d651fe7e4",
	  "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
	  "59790fb1c39f35c10000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
	  "4068e9ae4b315aa4b33938ce0ed01a3d5d8e80eb98eab479a0558cd7de9d4d40d6d80d328d90732688a42b13a0cd6405",
	  "d2f0b13e226f7c8aee44f2fd22cac739438124864fec3e3a2249901a2f4bc9a6" },
};
#define N_SNP_VECS	(sizeof(snp_vecs) / sizeof(snp_vecs[0]))

/* A loaded vector: report bytes, VCEK bytes, concatenated chain. */
struct snp_loaded {
	uint8_t			 report[SNP_REPORT_LEN];
	uint8_t			*vcek;
	size_t			 vcek_len;
	uint8_t			*chain;
	size_t			 chain_len;
	struct snp_evidence	 ev;
};

static __attribute__((__unused__)) uint8_t *
snp_t_read(const char *shared, const char *rel, size_t *len)
{
	char	 path[4096], err[256];
	uint8_t	*buf;

	snprintf(path, sizeof(path), "%s/vectors/%s", shared, rel);
	if (file_read(path, 1 << 20, &buf, len, err, sizeof(err)) == -1) {
		printf("Bail out! %s\n", err);
		exit(1);
	}
	return buf;
}

static __attribute__((__unused__)) void
snp_t_load(const char *shared, const struct snp_vec *v, struct snp_loaded *l)
{
	uint8_t	*buf, *c;
	size_t	 len, clen, i, n;

	memset(l, 0, sizeof(*l));
	buf = snp_t_read(shared, v->report, &len);
	if (v->report_hex) {
		while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
			len--;
		if (hex_decode((char *)buf, len, l->report, SNP_REPORT_LEN)
		    == -1) {
			printf("Bail out! %s: bad hex\n", v->report);
			exit(1);
		}
	} else {
		if (len != SNP_REPORT_LEN) {
			printf("Bail out! %s: %zu bytes\n", v->report, len);
			exit(1);
		}
		memcpy(l->report, buf, len);
	}
	free(buf);
	l->vcek = snp_t_read(shared, v->vcek, &l->vcek_len);
	for (i = 0; i < 2 && v->chain[i] != NULL; i++) {
		c = snp_t_read(shared, v->chain[i], &clen);
		n = l->chain_len + clen + 1;
		if ((l->chain = realloc(l->chain, n)) == NULL)
			exit(1);
		memcpy(l->chain + l->chain_len, c, clen);
		l->chain[l->chain_len + clen] = '\n';
		l->chain_len = n;
		free(c);
	}
	l->ev.report = l->report;
	l->ev.report_len = SNP_REPORT_LEN;
	l->ev.vcek = l->vcek;
	l->ev.vcek_len = l->vcek_len;
	l->ev.chain = l->chain;
	l->ev.chain_len = l->chain_len;
}

static __attribute__((__unused__)) void
snp_t_unload(struct snp_loaded *l)
{
	free(l->vcek);
	free(l->chain);
	memset(l, 0, sizeof(*l));
}

static __attribute__((__unused__)) struct snp_anchor
snp_t_amd(enum snp_product p)
{
	struct snp_anchor	 a;

	memset(&a, 0, sizeof(a));
	a.kind = SNP_ANCHOR_AMD;
	a.product = p;
	return a;
}

static __attribute__((__unused__)) int
snp_t_hex_is(const uint8_t *p, size_t len, const char *want)
{
	char	 buf[2 * 128 + 1];

	if (len > 128)
		return 0;
	hex_encode(p, len, buf);
	if (strcmp(buf, want) != 0) {
		printf("# got  %s\n# want %s\n", buf, want);
		return 0;
	}
	return 1;
}

#endif
