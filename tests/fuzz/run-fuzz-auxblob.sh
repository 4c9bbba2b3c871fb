#!/bin/sh
# A short bounded libFuzzer run of fuzz_auxblob (fuzz build only): the
# SNP certificate table and the evidence wire form.  Seeds are made at
# run time by the simulated TEE (a real cert table and evidence blob)
# plus a few hand-made tables.  FUZZ_TIME overrides the seconds (20).
. "$top_srcdir/tests/lib.sh"

bin="$top_builddir/tests/fuzz/fuzz_auxblob"
[ -x "$bin" ] || skip_all "fuzz_auxblob not built (configure --enable-fuzzing)"
fuzz_default=20
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

fuzz_run fuzz_auxblob 16384 "$work/corpus"
done_testing
