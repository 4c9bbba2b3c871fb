# Shell helpers for TAP tests: source "$top_srcdir/tests/lib.sh".
# Each test calls ok/not_ok through `check' and ends with `done_testing'.

tap_n=0
tap_failed=0
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${SHARED_DIR:=$top_srcdir/../shared}"
: "${OPENSSL:=openssl}"

ok() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $*"
}

not_ok() {
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $*"
}

# check "description" command args...: ok if the command succeeds.
check() {
	desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

diag() {
	echo "# $*"
}

skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

need_shared() {
	[ -f "$SHARED_DIR/ARCHITECTURE.md" ] ||
	    skip_all "../shared (test vectors) not found at $SHARED_DIR"
}

done_testing() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
}

# A free TCP port on loopback, picked by the kernel.
# A TCP port on loopback that nothing listens on now (bash /dev/tcp probe).
free_port() {
	while :; do
		p=$(( (RANDOM << 1 | RANDOM & 1) % 30000 + 20000 ))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
}

# fuzz_run NAME MAXLEN [CORPUS-DIR|-FLAG]...: one bounded libFuzzer run
# of $top_builddir/tests/fuzz/NAME (fuzz build only), as one test point:
# the executions, or the tail of its log when it crashed, leaked or timed
# out.  Seconds: FUZZ_SECONDS, else FUZZ_TIME, else the caller's
# fuzz_default (15).  MAXLEN 0 lets libFuzzer choose.
fuzz_run() {
	fr_name=$1
	fr_maxlen=$2
	shift 2
	fr_secs=${FUZZ_SECONDS:-${FUZZ_TIME:-${fuzz_default:-15}}}
	fr_log=$(mktemp "${TMPDIR:-/tmp}/fuzz-$fr_name.XXXXXX") || return 1
	if "$top_builddir/tests/fuzz/$fr_name" -max_total_time="$fr_secs" \
	    -rss_limit_mb=2048 -timeout=10 -max_len="$fr_maxlen" \
	    -print_final_stats=1 "$@" >"$fr_log" 2>&1; then
		fr_runs=$(sed -n 's/^stat::number_of_executed_units: *//p' \
		    "$fr_log")
		ok "$fr_name: ${fr_runs:-?} executions in ${fr_secs}s, no crash"
	else
		not_ok "$fr_name crashed, leaked or timed out"
		tail -n 40 "$fr_log" | sed 's/^/# /'
	fi
	rm -f "$fr_log"
}
