#!/bin/sh
# Cross-check the seed engine against an independent computation with the
# openssl command line: HKDF with `openssl kdf ... HKDF' for every label,
# and c2sp det-keygen's HMAC_DRBG steps with `openssl mac ... HMAC'.
. "$top_srcdir/tests/lib.sh"

prog="$top_builddir/tests/unit/test_seed"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

"$OPENSSL" kdf -help >/dev/null 2>&1 || skip_all "openssl has no kdf command"

lower() { tr -d ':\n ' | tr 'A-F' 'a-f'; }
hex2bin() {
	h=$1
	while [ -n "$h" ]; do
		b=${h%"${h#??}"}
		h=${h#??}
		# shellcheck disable=SC2059
		printf "\\$(printf %03o "0x$b")"
	done
}
# same GOT WANT: equal and not empty.
same() { [ -n "$2" ] && [ "$1" = "$2" ]; }
str2hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }

# hkdf IKMHEX SALTHEX LABEL: 64 bytes, as the engine's hkdfDerive.
hkdf() {
	"$OPENSSL" kdf -keylen 64 -kdfopt digest:SHA256 -kdfopt "hexkey:$1" \
	    -kdfopt "hexsalt:$2" -kdfopt "info:$3" HKDF | lower
}
# hmac KEYHEX DATAHEX
hmac() {
	hex2bin "$2" >"$tmp/in"
	"$OPENSSL" mac -digest SHA256 -macopt "hexkey:$1" -in "$tmp/in" HMAC |
	    lower
}
# detkeygen SEEDHEX: c2sp.org/det-keygen P-384 scalar, steps 2-10.
detkeygen() {
	pers=$(str2hex "det ECDSA key gen P-384")
	K=0000000000000000000000000000000000000000000000000000000000000000
	V=0101010101010101010101010101010101010101010101010101010101010101
	K=$(hmac "$K" "${V}00$1$pers")
	V=$(hmac "$K" "$V")
	K=$(hmac "$K" "${V}01$1$pers")
	V=$(hmac "$K" "$V")
	V=$(hmac "$K" "$V")
	t=$V
	V=$(hmac "$K" "$V")
	t=$t$V
	echo "$t" | cut -c1-96
}

check "HKDF RFC 5869 A.1 via openssl kdf" [ "$("$OPENSSL" kdf -keylen 42 \
    -kdfopt digest:SHA256 -kdfopt hexkey:0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b \
    -kdfopt hexsalt:000102030405060708090a0b0c \
    -kdfopt hexinfo:f0f1f2f3f4f5f6f7f8f9 HKDF | lower)" = \
    3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865 ]

for round in 1 2; do
	seed=$("$OPENSSL" rand -hex 64)
	salt=$("$OPENSSL" rand -hex 32)
	id="apps/v1/Deployment/default/web-$round"
	if ! "$prog" derive "$seed" "$salt" "$id" >"$tmp/out"; then
		not_ok "round $round: test_seed derive ran"
		continue
	fi
	got_ws=$(sed -n 's/^workload //p' "$tmp/out")
	got_root=$(sed -n 's/^root //p' "$tmp/out")
	got_tx=$(sed -n 's/^tx //p' "$tmp/out")

	pod=$(hkdf "$seed" "$salt" "POD STATE SECRET")
	want_ws=$(hkdf "$pod" "$salt" "WORKLOAD SECRET ID: $id")
	check "round $round: workload secret = HKDF(HKDF(seed, POD STATE SECRET), WORKLOAD SECRET ID: id)" \
	    same "$got_ws" "$want_ws"
	want_root=$(detkeygen "$(hkdf "$seed" "$salt" "ROOT CA SEED")")
	check "round $round: root CA scalar = det-keygen(HKDF(seed, ROOT CA SEED))" \
	    same "$got_root" "$want_root"
	want_tx=$(detkeygen "$(hkdf "$seed" "$salt" "TRANSACTION SIGNING SECRET")")
	check "round $round: tx scalar = det-keygen(HKDF(seed, TRANSACTION SIGNING SECRET))" \
	    same "$got_tx" "$want_tx"
done

# The det-keygen shell model itself against the c2sp P-384 vector for
# seed 0x42 x 16 (d from its PKCS#8, see test_detkeygen.c).
check "shell det-keygen model reproduces the c2sp vector" [ "$(detkeygen \
    42424242424242424242424242424242)" = \
    3170cf870785cc87d9bb01366468347831f965608375a9a8d9c528ee64a9716c5736f77834cf36c54ea258117054e2be ]
# Seed shares against openssl pkeyutl: RSA-OAEP, SHA-256 and MGF1-SHA-256,
# label "seedshare", both directions.
share="$top_builddir/tests/unit/test_seedshare"
oaep="-pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256
    -pkeyopt rsa_mgf1_md:sha256 -pkeyopt rsa_oaep_label:$(str2hex seedshare)"
if "$OPENSSL" genrsa -traditional -out "$tmp/owner.pem" 2048 2>/dev/null
then
	seed=$("$OPENSSL" rand -hex 64)
	"$share" encrypt "$tmp/owner.pem" "$seed" >"$tmp/ct.hex"
	hex2bin "$(cat "$tmp/ct.hex")" >"$tmp/ct.bin"
	# shellcheck disable=SC2086
	got=$("$OPENSSL" pkeyutl -decrypt -inkey "$tmp/owner.pem" $oaep \
	    -in "$tmp/ct.bin" | od -An -tx1 | tr -d ' \n')
	check "openssl pkeyutl decrypts our seed share" same "$got" "$seed"
	hex2bin "$seed" >"$tmp/seed.bin"
	# shellcheck disable=SC2086
	"$OPENSSL" pkeyutl -encrypt -inkey "$tmp/owner.pem" $oaep \
	    -in "$tmp/seed.bin" -out "$tmp/ct2.bin"
	got=$("$share" decrypt "$tmp/owner.pem" \
	    "$(od -An -tx1 "$tmp/ct2.bin" | tr -d ' \n')")
	check "we decrypt openssl pkeyutl's share" same "$got" "$seed"
	# shellcheck disable=SC2086
	"$OPENSSL" pkeyutl -encrypt -inkey "$tmp/owner.pem" \
	    -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 \
	    -pkeyopt rsa_mgf1_md:sha256 -pkeyopt rsa_oaep_label:00 \
	    -in "$tmp/seed.bin" -out "$tmp/ct3.bin"
	if "$share" decrypt "$tmp/owner.pem" \
	    "$(od -An -tx1 "$tmp/ct3.bin" | tr -d ' \n')" 2>/dev/null; then
		not_ok "a share with another OAEP label must not decrypt"
	else
		ok "a share with another OAEP label does not decrypt"
	fi
else
	not_ok "openssl genrsa"
fi
done_testing
