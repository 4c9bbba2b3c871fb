/*
 * Authorisation decisions of the parent, on signatures over data the
 * parent chose itself (doc/PROTOCOL.md "SET_MANIFEST", "RECOVER"):
 * never on the front's word or TLS state.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "coordinator.h"
#include "parent.h"
#include "pki.h"

/* ECDSA over the signing hash under one PKIX DER key. */
static int
pauth_verify_der(const uint8_t *der, size_t derlen, const uint8_t *sig,
    size_t siglen, const uint8_t hash[PCORE_HASH_LEN])
{
	EVP_PKEY	*k;
	char		 e[PKI_ERR_LEN];
	int		 ok;

	if ((k = pki_pubkey_from_spki_der(der, derlen, e, sizeof(e))) == NULL)
		return 0;
	ok = EVP_PKEY_get_base_id(k) == EVP_PKEY_EC &&
	    pki_ecdsa_verify_digest(k, hash, PCORE_HASH_LEN, sig, siglen, e,
	    sizeof(e)) == 0;
	EVP_PKEY_free(k);
	return ok;
}

/*
 * May this SET_MANIFEST proceed?  hash is wire_owner_signing_hash() of
 * the new manifest over the current head, computed by the caller from
 * its own state.  0, or -1 with the client-facing reason.
 */
int
pauth_owner(const struct pcore *pc, const uint8_t *sig, size_t siglen,
    const uint8_t *okey, size_t okeylen, const uint8_t hash[PCORE_HASH_LEN],
    char *err, size_t errlen)
{
	const struct psummary	*s = &pc->sum;
	uint8_t			 d[PCORE_HASH_LEN];
	char			 e[PKI_ERR_LEN];
	size_t			 i;
	int			 listed = 0;

	if (pc->state == COORD_STATE_NO_MANIFEST) {
		if (pc->pinned_owner == NULL)
			return 0;	/* trust on first use */
		if (siglen == 0) {
			snprintf(err, errlen, "this coordinator was started "
			    "with a pinned owner key: the first manifest must "
			    "be signed by it");
			return -1;
		}
		if (pki_ecdsa_verify_digest(pc->pinned_owner, hash,
		    PCORE_HASH_LEN, sig, siglen, e, sizeof(e)) == 0)
			return 0;
		snprintf(err, errlen, "signature does not verify under the "
		    "pinned owner key");
		return -1;
	}
	if (s->nowner == 0 && s->ndigest == 0) {
		snprintf(err, errlen, "manifest is immutable (no workload "
		    "owner keys)");
		return -1;
	}
	if (siglen == 0) {
		snprintf(err, errlen, "an update must be signed by a workload "
		    "owner key of the current manifest");
		return -1;
	}
	for (i = 0; i < s->nowner; i++)
		if (pauth_verify_der(s->owner_keys[i].data,
		    s->owner_keys[i].len, sig, siglen, hash))
			return 0;
	/* WorkloadOwnerKeyDigests: the client names its key. */
	if (okeylen > 0 && s->ndigest > 0) {
		if (EVP_Digest(okey, okeylen, d, NULL, EVP_sha256(),
		    NULL) != 1) {
			snprintf(err, errlen, "internal error");
			return -1;
		}
		for (i = 0; i < s->ndigest; i++)
			if (CRYPTO_memcmp(d, s->owner_digests[i],
			    PCORE_HASH_LEN) == 0)
				listed = 1;
		if (listed && pauth_verify_der(okey, okeylen, sig, siglen,
		    hash))
			return 0;
	}
	snprintf(err, errlen, "owner signature does not verify over the "
	    "current transition under any workload owner key of the current "
	    "manifest (wrong key, or signed for an older state)");
	return -1;
}

/* 1 if key (PKCS#1 DER) is a seed-share owner of the head manifest. */
int
pauth_seedshare_key(const struct pcore *pc, const uint8_t *key, size_t len)
{
	const struct psummary	*s = &pc->sum;
	size_t			 i;
	int			 found = 0;

	for (i = 0; i < s->nseedshare; i++)
		if (s->seedshare_keys[i].len == len &&
		    CRYPTO_memcmp(s->seedshare_keys[i].data, key, len) == 0)
			found = 1;
	return found;
}
