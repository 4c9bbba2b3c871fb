/*
 * The client protocol (doc/PROTOCOL.md): message table for the shared
 * msg.h envelope, error codes, limits, and the hashes both ends must
 * compute identically (report data bindings, owner and seed-share
 * signatures).  Used by the front (server side), the CLI and the
 * initializer (client side).
 */
#ifndef CONTRAST_WIRE_H
#define CONTRAST_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "msgtypes.h"

#define WIRE_VERSION		1
#define WIRE_NONCE_LEN		32
#define WIRE_EXPORTER_LEN	32
#define WIRE_EXPORTER_LABEL	"EXPORTER-contrast-v1"
#define WIRE_SEED_LEN		64
#define WIRE_SALT_LEN		32
#define WIRE_SECRET_LEN		64
#define WIRE_HASH_LEN		32

/* Limits (doc/PROTOCOL.md "Framing"). */
#define WIRE_MAX_FRAME_USER	(16u * 1024 * 1024)
#define WIRE_MAX_FRAME_MESH	(256u * 1024)
#define WIRE_MAX_MANIFEST	(1024u * 1024)
#define WIRE_MAX_POLICIES	4096
#define WIRE_MAX_POLICY		(256u * 1024)
#define WIRE_MAX_EVIDENCE	(64u * 1024)
#define WIRE_MAX_PEM		(64u * 1024)
#define WIRE_MAX_SIGNATURE	1024
#define WIRE_MAX_KEY		4096
#define WIRE_MAX_MESSAGE	1024

enum wire_type {
	WIRE_HELLO = 1,
	WIRE_HELLO_OK = 2,
	WIRE_SET_MANIFEST = 10,
	WIRE_SET_MANIFEST_OK = 11,
	WIRE_GET_MANIFESTS = 12,
	WIRE_GET_MANIFESTS_OK = 13,
	WIRE_RECOVER = 14,
	WIRE_RECOVER_OK = 15,
	WIRE_MESH_CERT = 20,
	WIRE_MESH_CERT_OK = 21,
	WIRE_ERROR = 127,
	WIRE_TYPE_MAX
};

enum wire_error {
	WIRE_ERR_NONE = 0,
	WIRE_ERR_INVALID_ARGUMENT = 1,
	WIRE_ERR_PERMISSION_DENIED = 2,
	WIRE_ERR_NO_MANIFEST = 3,
	WIRE_ERR_NEEDS_RECOVERY = 4,
	WIRE_ERR_ALREADY_RECOVERED = 5,
	WIRE_ERR_MANIFEST_CONFLICT = 6,
	WIRE_ERR_INTERNAL = 7,
	WIRE_ERR_UNSUPPORTED_VERSION = 8,
	WIRE_ERR_MAX
};

/* Indexed by enum wire_type; decode with msg_decode(m, wire_types, WIRE_TYPE_MAX, ...). */
extern const struct msg_typeinfo wire_types[WIRE_TYPE_MAX];

/* "invalid_argument", ... ("unknown" when out of range). */
const char	*wire_error_name(uint32_t);

/* REPORT_DATA of the Coordinator's own evidence: SHA-512("contrast/coordinator/v1" || client_nonce || exporter). */
void	wire_rd_coordinator(const uint8_t[WIRE_NONCE_LEN],
	    const uint8_t[WIRE_EXPORTER_LEN], uint8_t[64]);
/* REPORT_DATA of a workload's evidence: SHA-512("contrast/mesh/v1" || server_nonce || public_key). */
void	wire_rd_mesh(const uint8_t[WIRE_NONCE_LEN], const uint8_t *, size_t,
	    uint8_t[64]);
/* Digest an owner signs: SHA-256(lowercase_hex(SHA-256(manifest_hash || previous))). */
void	wire_owner_signing_hash(const uint8_t[WIRE_HASH_LEN],
	    const uint8_t[WIRE_HASH_LEN], uint8_t[WIRE_HASH_LEN]);
/* Digest a seed-share owner signs: SHA-256("contrast/recover/v1" || server_nonce || SHA-256(seed || salt)). */
void	wire_recover_digest(const uint8_t[WIRE_NONCE_LEN],
	    const uint8_t[WIRE_SEED_LEN], const uint8_t[WIRE_SALT_LEN],
	    uint8_t[WIRE_HASH_LEN]);

/*
 * The RECOVER signature: RSA-PSS (SHA-256, MGF1-SHA-256, salt 32) by a
 * seed-share owner key over wire_recover_digest().  Sign: *sig malloc'd.
 */
int	wire_recover_sign(EVP_PKEY *, const uint8_t[WIRE_HASH_LEN], uint8_t **,
	    size_t *, char *, size_t);
int	wire_recover_verify(EVP_PKEY *, const uint8_t[WIRE_HASH_LEN],
	    const uint8_t *, size_t, char *, size_t);

#endif
