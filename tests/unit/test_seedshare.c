/*
 * Seed shares and the key helpers the CLI uses for them: round trip with
 * a generated RSA-4096 seedshare owner key, wrong key and wrong OAEP label
 * fail, PKCS#1 and PKIX owner keys, PEM key files (0600, upstream's PEM
 * types, PKCS#8 accepted, strict parsing).
 *
 * Modes for test_seed_openssl.sh (interop with openssl pkeyutl):
 *   encrypt KEY.pem SEEDHEX   prints the share (hex) for KEY's public key
 *   decrypt KEY.pem CTHEX     prints the decrypted seed (hex)
 */
#include "config.h"

#include <sys/stat.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "pki.h"
#include "seedengine.h"
#include "seedshare.h"
#include "util.h"
#include "tests/tap.h"

static char	 err[PKI_ERR_LEN];

/* Encrypt like seedshare_encrypt but with another OAEP label. */
static int
encrypt_label(EVP_PKEY *pub, const char *label, const uint8_t *m, size_t mlen,
    uint8_t *ct, size_t *ctlen)
{
	EVP_PKEY_CTX	*ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pub, NULL);
	unsigned char	*l = NULL;
	int		 ok;

	ok = ctx != NULL && EVP_PKEY_encrypt_init(ctx) > 0 &&
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) > 0 &&
	    EVP_PKEY_CTX_set_rsa_oaep_md(ctx, EVP_sha256()) > 0 &&
	    EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha256()) > 0;
	if (ok && label != NULL) {
		l = OPENSSL_memdup(label, strlen(label));
		ok = l != NULL && EVP_PKEY_CTX_set0_rsa_oaep_label(ctx, l,
		    (int)strlen(label)) > 0;
	}
	ok = ok && EVP_PKEY_encrypt(ctx, ct, ctlen, m, mlen) > 0;
	EVP_PKEY_CTX_free(ctx);
	return ok ? 0 : -1;
}

static int
interop(int argc, char *argv[])
{
	EVP_PKEY	*k;
	uint8_t		*in, *pub, *ct, seed[SEED_LEN];
	size_t		 inlen, publen, ctlen;
	char		*hex;

	if ((k = pki_key_read(argv[2], err, sizeof(err))) == NULL ||
	    hex_decode_alloc(argv[3], strlen(argv[3]), &in, &inlen) == -1) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (strcmp(argv[1], "encrypt") == 0) {
		if (pki_rsa_pkcs1_pub_der(k, &pub, &publen, err,
		    sizeof(err)) == -1 ||
		    seedshare_encrypt(pub, publen, in, inlen, &ct, &ctlen, err,
		    sizeof(err)) == -1) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		hex = malloc(2 * ctlen + 1);
		hex_encode(ct, ctlen, hex);
		printf("%s\n", hex);
		free(hex);
		free(ct);
		free(pub);
		free(in);
		EVP_PKEY_free(k);
		return 0;
	}
	if (seedshare_decrypt(k, in, inlen, seed, sizeof(seed), err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	hex = malloc(2 * sizeof(seed) + 1);
	hex_encode(seed, sizeof(seed), hex);
	printf("%s\n", hex);
	free(hex);
	free(in);
	EVP_PKEY_free(k);
	return 0;
}

static void
test_pem(const char *dir, EVP_PKEY *rsa)
{
	char		 path[4096], *pem;
	uint8_t		*buf = NULL, *der = NULL, *der2 = NULL;
	size_t		 len, derlen, der2len;
	struct stat	 st;
	EVP_PKEY	*k, *ec;
	int		 created;
	BIO		*bio;
	char		*p8;
	long		 p8len;

	snprintf(path, sizeof(path), "%s/seedshare-owner.pem", dir);
	ok(pki_key_write(path, rsa, err, sizeof(err)) == 0, "RSA key written");
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600,
	    "key file mode is 0600");
	ok(file_read(path, PKI_PEM_MAX, &buf, &len, err, sizeof(err)) == 0 &&
	    strncmp((char *)buf, "-----BEGIN RSA PRIVATE KEY-----", 31) == 0,
	    "RSA key is PEM \"RSA PRIVATE KEY\" (PKCS#1)");
	k = pki_key_read(path, err, sizeof(err));
	ok(k != NULL && EVP_PKEY_eq(k, rsa) == 1, "RSA key reads back");
	ok(pki_seedshare_pub_der_from_pem(buf, len, &der, &derlen, err,
	    sizeof(err)) == 0 && pki_rsa_pkcs1_pub_der(rsa, &der2, &der2len,
	    err, sizeof(err)) == 0 && derlen == der2len &&
	    memcmp(der, der2, derlen) == 0,
	    "SeedshareOwnerPubKeys entry for a private key = PKCS#1 public DER");
	free(der);
	free(der2);
	freezero_buf(buf, len + 1);
	EVP_PKEY_free(k);

	/* A "PUBLIC KEY" block is taken verbatim (PKIX), as upstream. */
	ok(pki_pubkey_to_pem(rsa, &pem, &len, err, sizeof(err)) == 0 &&
	    pki_seedshare_pub_der_from_pem((uint8_t *)pem, len, &der, &derlen,
	    err, sizeof(err)) == 0 && pki_spki_der(rsa, &der2, &der2len, err,
	    sizeof(err)) == 0 && derlen == der2len &&
	    memcmp(der, der2, derlen) == 0,
	    "a PEM \"PUBLIC KEY\" gives the PKIX DER verbatim");
	free(pem);
	free(der);
	free(der2);

	/* Workload owner key: P-384, "EC PRIVATE KEY", generated once. */
	snprintf(path, sizeof(path), "%s/workload-owner.pem", dir);
	ec = pki_key_load_or_generate(path, 0, &created, err, sizeof(err));
	ok(ec != NULL && created == 1 && pki_is_p384(ec),
	    "workload owner key generated (P-384)");
	k = pki_key_load_or_generate(path, 0, &created, err, sizeof(err));
	ok(k != NULL && created == 0 && EVP_PKEY_eq(k, ec) == 1,
	    "second call loads the same key");
	EVP_PKEY_free(k);
	ok(file_read(path, PKI_PEM_MAX, &buf, &len, err, sizeof(err)) == 0 &&
	    strncmp((char *)buf, "-----BEGIN EC PRIVATE KEY-----", 30) == 0,
	    "P-384 key is PEM \"EC PRIVATE KEY\" (SEC1)");
	ok(pki_key_load_or_generate(path, 4096, &created, err,
	    sizeof(err)) == NULL, "wrong key type for the file refused (%s)",
	    err);

	/* Strict PEM. */
	{
		uint8_t	*junk = malloc(len + 16);

		memcpy(junk, "garbage\n", 8);
		memcpy(junk + 8, buf, len);
		ok(pki_key_from_pem(junk, len + 8, err, sizeof(err)) == NULL,
		    "text before the PEM block refused (%s)", err);
		memcpy(junk, buf, len);
		memcpy(junk + len, buf, len < 16 ? len : 16);
		ok(pki_key_from_pem(junk, len + 16, err, sizeof(err)) == NULL,
		    "text after the PEM block refused (%s)", err);
		ok(pki_key_from_pem(buf, len - 5, err, sizeof(err)) == NULL,
		    "truncated PEM refused (%s)", err);
		freezero_buf(junk, len + 16);
	}
	{
		static const char enc[] = "-----BEGIN EC PRIVATE KEY-----\n"
		    "Proc-Type: 4,ENCRYPTED\n"
		    "DEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\n"
		    "AAAA\n-----END EC PRIVATE KEY-----\n";

		ok(pki_key_from_pem((const uint8_t *)enc, sizeof(enc) - 1, err,
		    sizeof(err)) == NULL, "encrypted PEM refused (%s)", err);
	}
	freezero_buf(buf, len + 1);

	/* PKCS#8 "PRIVATE KEY" is accepted. */
	bio = BIO_new(BIO_s_mem());
	ok(bio != NULL && PEM_write_bio_PKCS8PrivateKey(bio, ec, NULL, NULL, 0,
	    NULL, NULL) == 1 && (p8len = BIO_get_mem_data(bio, &p8)) > 0 &&
	    (k = pki_key_from_pem((uint8_t *)p8, (size_t)p8len, err,
	    sizeof(err))) != NULL && EVP_PKEY_eq(k, ec) == 1,
	    "PKCS#8 \"PRIVATE KEY\" accepted");
	EVP_PKEY_free(k);
	BIO_free(bio);
	EVP_PKEY_free(ec);

	/* Only named NIST curves. */
	{
		EVP_PKEY	*bp = EVP_PKEY_Q_keygen(NULL, NULL, "EC",
		    "brainpoolP256r1");

		bio = BIO_new(BIO_s_mem());
		ok(bp != NULL && bio != NULL &&
		    PEM_write_bio_PrivateKey_traditional(bio, bp, NULL, NULL, 0,
		    NULL, NULL) == 1 && (p8len = BIO_get_mem_data(bio,
		    &p8)) > 0 && pki_key_from_pem((uint8_t *)p8, (size_t)p8len,
		    err, sizeof(err)) == NULL, "brainpoolP256r1 key refused (%s)",
		    err);
		BIO_free(bio);
		EVP_PKEY_free(bp);
	}

	/* Certificates PEM bundles: strict too. */
	{
		static const char notcert[] = "-----BEGIN PUBLIC KEY-----\n"
		    "AAAA\n-----END PUBLIC KEY-----\n";

		ok(pki_certs_from_pem((const uint8_t *)notcert,
		    sizeof(notcert) - 1, 4, err, sizeof(err)) == NULL,
		    "a non-CERTIFICATE block in a bundle refused (%s)", err);
		ok(pki_certs_from_pem((const uint8_t *)"", 0, 4, err,
		    sizeof(err)) == NULL, "empty bundle refused");
	}
}

int
main(int argc, char *argv[])
{
	EVP_PKEY	*owner, *other;
	uint8_t		 seed[SEED_LEN], salt[SEED_SALT_LEN], out[SEED_LEN];
	uint8_t		*pkcs1 = NULL, *spki = NULL, *ct = NULL, bad[1024];
	size_t		 pkcs1len = 0, spkilen = 0, ctlen = 0, badlen;
	struct seedshare *sh;
	const uint8_t	*keys[2];
	size_t		 lens[2];
	char		 dir[] = "/tmp/test_seedshare.XXXXXX", path[4096];

	if (argc == 4 && (strcmp(argv[1], "encrypt") == 0 ||
	    strcmp(argv[1], "decrypt") == 0))
		return interop(argc, argv);

	owner = pki_rsa_generate(PKI_RSA_SEEDSHARE_BITS, err, sizeof(err));
	other = pki_rsa_generate(PKI_RSA_SEEDSHARE_BITS, err, sizeof(err));
	ok(owner != NULL && EVP_PKEY_get_bits(owner) == 4096,
	    "RSA-4096 seedshare owner key generated");
	ok(other != NULL, "a second RSA-4096 key");
	if (owner == NULL || other == NULL)
		return tap_done();
	ok(seed_generate(seed, salt, err, sizeof(err)) == 0, "random seed");
	ok(pki_rsa_pkcs1_pub_der(owner, &pkcs1, &pkcs1len, err,
	    sizeof(err)) == 0 && pki_spki_der(owner, &spki, &spkilen, err,
	    sizeof(err)) == 0, "owner public key as PKCS#1 and PKIX DER");

	ok(seedshare_encrypt(pkcs1, pkcs1len, seed, sizeof(seed), &ct, &ctlen,
	    err, sizeof(err)) == 0 && ctlen == 512,
	    "seed encrypted to the PKCS#1 key (512-byte share)");
	ok(seedshare_decrypt(owner, ct, ctlen, out, sizeof(out), err,
	    sizeof(err)) == 0 && memcmp(out, seed, sizeof(seed)) == 0,
	    "round trip: the owner recovers the seed");
	ok(seedshare_decrypt(other, ct, ctlen, out, sizeof(out), err,
	    sizeof(err)) == -1, "a wrong key fails (%s)", err);
	ct[ctlen / 2] ^= 1;
	ok(seedshare_decrypt(owner, ct, ctlen, out, sizeof(out), err,
	    sizeof(err)) == -1, "a corrupted share fails");
	ok(seedshare_decrypt(owner, ct, ctlen - 1, out, sizeof(out), err,
	    sizeof(err)) == -1, "a truncated share fails (%s)", err);
	free(ct);

	badlen = sizeof(bad);
	ok(encrypt_label(owner, "seedshares", seed, sizeof(seed), bad,
	    &badlen) == 0 && seedshare_decrypt(owner, bad, badlen, out,
	    sizeof(out), err, sizeof(err)) == -1,
	    "OAEP label mismatch fails");
	badlen = sizeof(bad);
	ok(encrypt_label(owner, NULL, seed, sizeof(seed), bad, &badlen) == 0 &&
	    seedshare_decrypt(owner, bad, badlen, out, sizeof(out), err,
	    sizeof(err)) == -1, "empty OAEP label fails");
	badlen = sizeof(bad);
	ok(encrypt_label(owner, "seedshare", seed, 32, bad, &badlen) == 0 &&
	    seedshare_decrypt(owner, bad, badlen, out, sizeof(out), err,
	    sizeof(err)) == -1, "a 32-byte plaintext is refused (%s)", err);
	badlen = sizeof(bad);
	ok(encrypt_label(owner, "seedshare", seed, sizeof(seed), bad,
	    &badlen) == 0 && seedshare_decrypt(owner, bad, badlen, out,
	    sizeof(out), err, sizeof(err)) == 0 &&
	    memcmp(out, seed, sizeof(seed)) == 0,
	    "an independent OAEP-SHA256 \"seedshare\" encryption decrypts");

	keys[0] = spki;
	lens[0] = spkilen;
	ok(pki_rsa_pkcs1_pub_der(other, (uint8_t **)&keys[1], &lens[1], err,
	    sizeof(err)) == 0, "second owner key");
	ok(seedshare_encrypt_all(keys, lens, 2, seed, sizeof(seed), &sh, err,
	    sizeof(err)) == 0, "shares for a PKIX and a PKCS#1 owner key");
	ok(sh[0].pubkey_len == spkilen && memcmp(sh[0].pubkey, spki,
	    spkilen) == 0, "share records the owner key bytes as given");
	ok(seedshare_find(owner, sh, 2, err, sizeof(err)) == 0 &&
	    seedshare_find(other, sh, 2, err, sizeof(err)) == 1,
	    "each owner finds its own share");
	ok(seedshare_decrypt(owner, sh[0].encrypted, sh[0].encrypted_len, out,
	    sizeof(out), err, sizeof(err)) == 0 &&
	    memcmp(out, seed, sizeof(seed)) == 0 &&
	    seedshare_decrypt(other, sh[1].encrypted, sh[1].encrypted_len, out,
	    sizeof(out), err, sizeof(err)) == 0 &&
	    memcmp(out, seed, sizeof(seed)) == 0,
	    "both shares decrypt to the seed");
	ok(seedshare_find(owner, sh + 1, 1, err, sizeof(err)) == -1,
	    "no share for a key that has none (%s)", err);
	seedshare_free(sh, 2);
	ok(seedshare_encrypt_all(keys, lens, 0, seed, sizeof(seed), &sh, err,
	    sizeof(err)) == -1, "no owner keys refused");
	lens[1] = 10;
	ok(seedshare_encrypt_all(keys, lens, 2, seed, sizeof(seed), &sh, err,
	    sizeof(err)) == -1, "a bad owner key refuses all (%s)", err);
	free((uint8_t *)keys[1]);
	{
		EVP_PKEY	*ec = pki_p384_generate(err, sizeof(err));
		uint8_t		*ecder = NULL;
		size_t		 eclen;

		ok(ec != NULL && pki_spki_der(ec, &ecder, &eclen, err,
		    sizeof(err)) == 0 && seedshare_encrypt(ecder, eclen, seed,
		    sizeof(seed), &ct, &ctlen, err, sizeof(err)) == -1,
		    "an EC owner key is refused (%s)", err);
		free(ecder);
		EVP_PKEY_free(ec);
	}

	if (mkdtemp(dir) == NULL)
		ok(0, "temp dir");
	else {
		test_pem(dir, owner);
		snprintf(path, sizeof(path), "%s/seedshare-owner.pem", dir);
		unlink(path);
		snprintf(path, sizeof(path), "%s/workload-owner.pem", dir);
		unlink(path);
		rmdir(dir);
	}
	free(pkcs1);
	free(spki);
	EVP_PKEY_free(owner);
	EVP_PKEY_free(other);
	return tap_done();
}
