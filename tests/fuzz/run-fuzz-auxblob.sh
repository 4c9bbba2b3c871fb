#!/bin/sh
# A short bounded libFuzzer run of fuzz_auxblob (fuzz build only): the
# SNP certificate table and the evidence wire form.  Seeds are made at
# run time by the simulated TEE (a real cert table and evidence blob)
# plus a few hand-made tables.  FUZZ_TIME overrides the seconds (20).
. "$top_srcdir/tests/lib.sh"

bin="$top_builddir/tests/fuzz/fuzz_auxblob"
[ -x "$bin" ] || skip_all "fuzz_auxblob not built (configure --enable-fuzzing)"
t="${FUZZ_TIME:-20}"
work=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-auxblob.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT INT TERM
mkdir "$work/corpus"

# Terminator only; one VCEK entry with 4 bytes; a missing terminator.
head -c 24 /dev/zero >"$work/corpus/empty"
{ printf '\143\332\165\215\346\144\105\144\255\305\364\271\073\350\254\315'
  printf '\060\000\000\000\004\000\000\000'
  head -c 24 /dev/zero
  printf 'VCEK'; } >"$work/corpus/one"
printf '\143\332\165\215\346\144\105\144\255\305\364\271\073\350\254\315' \
    >"$work/corpus/noterm"
if [ -x "$top_builddir/cli/contrast" ] &&
    "$top_builddir/cli/contrast" sim init "$work/sim" >/dev/null &&
    "$top_builddir/cli/contrast" sim report --sim-dir "$work/sim" \
    --hostdata "$(printf '%064d' 0)" -o "$work/report" \
    --certs "$work/corpus/sim-certs" --evidence "$work/corpus/sim-evidence" \
    >/dev/null; then
	diag "seeded with a simulated cert table and evidence blob"
else
	diag "cli/contrast sim unavailable: hand-made seeds only"
fi

if "$bin" -max_total_time="$t" -rss_limit_mb=2048 -timeout=10 \
    -max_len=16384 -print_final_stats=1 "$work/corpus" \
    >"$work/log" 2>&1; then
	ok "fuzz_auxblob ran ${t}s: $(grep -o 'stat::number_of_executed_units: [0-9]*' "$work/log" | head -1)"
else
	tail -n 40 "$work/log" | sed 's/^/# /'
	not_ok "fuzz_auxblob crashed, leaked or broke a property"
fi
done_testing
