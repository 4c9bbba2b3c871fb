#!/bin/sh
# Benchmark: contrast generate over 100, 500 and 1000 confidential
# workloads (gcp-microservices-demo.yml replicated with distinct names).
# Prints wall time, peak RSS, time per workload (linear growth shows as a
# flat per-workload time) and the ratio to a bound measured in the same
# run: parsing the same text once with the project's YAML reader
# (tests/regress/yamlcheck docs), which any rewriter must at least do.
# Target: 1000 workloads in under 2 s.  Prints, never asserts.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${SHARED_DIR:=$top_srcdir/../shared}"
CONTRAST="$top_builddir/cli/contrast"
YC="$top_builddir/tests/regress/yamlcheck"
SRC="$SHARED_DIR/k8s-inputs/gcp-microservices-demo.yml"
if [ ! -f "$SRC" ]; then
	echo "bench_generate: $SRC not found, skipped"
	exit 0
fi
W=$(mktemp -d "${TMPDIR:-/tmp}/bench-gen.XXXXXX") || exit 1
trap 'rm -rf "$W"' EXIT
cd "$W" || exit 1
openssl ecparam -name secp384r1 -genkey -noout -out workload-owner.pem 2>/dev/null
openssl genrsa -traditional -out seedshare-owner.pem 3072 2>/dev/null ||
    openssl genrsa -out seedshare-owner.pem 3072 2>/dev/null
cp "$top_srcdir/tests/data/generate/coordinator.yml" coordinator.yml

# seconds and peak KiB of a command, via GNU time when present.
measure() {
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f '%e %M' -o "$W/t" "$@" >/dev/null 2>"$W/err" ||
		    { cat "$W/err"; return 1; }
		cat "$W/t"
	else
		s=$(date +%s.%N)
		"$@" >/dev/null 2>"$W/err" || { cat "$W/err"; return 1; }
		e=$(date +%s.%N)
		echo "$(echo "$e - $s" | bc) ?"
	fi
}

for n in 100 500 1000; do
	copies=$(( (n + 11) / 12 ))
	: > "w$n.yml"
	k=0
	while [ "$k" -lt "$copies" ]; do
		sed -E -e "s/^(  name: )(.*)$/\1\2-c$k/" \
		    -e 's/^( +)containers:[[:space:]]*$/\1runtimeClassName: contrast-cc\n&/' \
		    "$SRC" >> "w$n.yml"
		printf -- '---\n' >> "w$n.yml"
		k=$((k + 1))
	done
	cp "w$n.yml" "w$n.orig"
	nw=$(grep -c 'runtimeClassName: contrast-cc' "w$n.yml")
	bound=$(measure "$YC" docs "w$n.yml") || exit 1
	res=$(measure "$CONTRAST" generate --reference-values metal-qemu-snp \
	    -m "m$n.json" "w$n.yml" coordinator.yml) || exit 1
	t=${res% *}
	kb=${res#* }
	b=${bound% *}
	awk -v n="$nw" -v t="$t" -v kb="$kb" -v b="$b" -v sz="$(wc -c < "w$n.orig")" 'BEGIN {
		printf("generate %4d workloads (%6.1f KiB): %5.2f s, peak %6.1f MiB, %.2f ms/workload, parse-once bound %.3f s, ratio %.1f\n",
		    n, sz / 1024, t, kb / 1024, (t * 1000) / n, b, b > 0 ? t / b : 0)
	}'
done
