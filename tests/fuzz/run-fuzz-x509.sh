#!/bin/sh
# Bounded libFuzzer run of fuzz_x509 (fuzz build only), seeded with the
# CA's own certificates (test_x509ca write), a key, and the AMD root PEMs
# of ../shared when present.  FUZZ_TIME overrides the seconds (default 20).
. "$top_srcdir/tests/lib.sh"

fuzz="$top_builddir/tests/fuzz/fuzz_x509"
[ -x "$fuzz" ] || skip_all "fuzz_x509 not built (configure --enable-fuzzing)"
fuzz_default=20

work=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-x509.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus" "$work/pem"
if "$top_builddir/tests/unit/test_x509ca" write "$work/pem" >/dev/null 2>&1
then
	cp "$work/pem/"*.pem "$work/corpus/"
	cat "$work/pem/leaf.pem" "$work/pem/intermediate.pem" \
	    >"$work/corpus/chain.pem"
	"$OPENSSL" x509 -in "$work/pem/leaf.pem" -outform DER \
	    -out "$work/corpus/leaf.der" 2>/dev/null
	"$OPENSSL" x509 -in "$work/pem/leaf.pem" -noout -pubkey \
	    >"$work/corpus/pub.pem" 2>/dev/null
fi
"$OPENSSL" ecparam -name secp384r1 -genkey -noout \
    -out "$work/corpus/ec.pem" 2>/dev/null
"$OPENSSL" genrsa -traditional -out "$work/corpus/rsa.pem" 2048 2>/dev/null
for f in "$SHARED_DIR"/vectors/roots/amd/*/*.pem; do
	[ -f "$f" ] && cp "$f" "$work/corpus/amd-$(basename "$(dirname "$f")")-$(basename "$f")"
done
printf 'web.default.svc.cluster.local' >"$work/corpus/san"
n=$(ls "$work/corpus" | wc -l)
diag "seed corpus: $n files"

fuzz_run fuzz_x509 16384 "$work/corpus"
done_testing
