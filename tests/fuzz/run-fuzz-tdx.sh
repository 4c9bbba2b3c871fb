#!/bin/sh
# Run the TDX parser/verifier fuzz harness for a bounded time, seeded
# with every TDX quote, the collateral and the PCK SGX extensions of
# ../shared (prefixed with the harness's selector byte).
. "$top_srcdir/tests/lib.sh"
need_shared

fuzz="$top_builddir/tests/fuzz/fuzz_tdx_quote"
[ -x "$fuzz" ] || skip_all "fuzz_tdx_quote not built (configure --enable-fuzzing)"
fuzz_default=20

work=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-tdx.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus"
n=0
for q in "$SHARED_DIR"/vectors/tdx/*/*.dat "$SHARED_DIR"/vectors/tdx/*/*.bin; do
	[ -f "$q" ] || continue
	n=$((n + 1))
	cp "$q" "$work/corpus/quote$n"
done
for j in "$SHARED_DIR"/vectors/tdx/*/*collateral.json; do
	n=$((n + 1))
	{ printf '\301'; cat "$j"; } > "$work/corpus/coll$n"
done
for j in "$SHARED_DIR"/vectors/tdx/trustee/tcbInfo.json \
    "$SHARED_DIR"/vectors/tdx/trustee/enclaveIdentity.json; do
	n=$((n + 1))
	{ printf '\302'; cat "$j"; } > "$work/corpus/json$n"
done
# PCK SGX extension values, cut out of the quotes' leaf certificates.
if [ -n "$OPENSSL" ]; then
	for q in "$SHARED_DIR"/vectors/tdx/dcap-qvl/tdx_quote.dat \
	    "$SHARED_DIR"/vectors/tdx/go-tdx-guest/quote_v5_sample.dat; do
		n=$((n + 1))
		awk '/BEGIN CERT/{p=1} p{print} /END CERT/{exit}' "$q" 2>/dev/null |
		    "$OPENSSL" x509 -outform DER 2>/dev/null > "$work/leaf.der" ||
		    continue
		off=$("$OPENSSL" asn1parse -inform DER -in "$work/leaf.der" 2>/dev/null |
		    awk '/1.2.840.113741.1.13.1$/{f=1; next} f && /OCTET STRING/{split($1,a,":"); print a[1]; exit}')
		[ -n "$off" ] || continue
		{ printf '\300'; "$OPENSSL" asn1parse -inform DER -in "$work/leaf.der" \
		    -strparse "$off" -noout -out /dev/stdout 2>/dev/null; } > "$work/corpus/ext$n"
	done
fi
check "seed corpus has $n inputs" [ "$n" -ge 9 ]

fuzz_run fuzz_tdx_quote 0 "$work/corpus"
done_testing
