#!/bin/sh
# The README's two commands:
#   sh contrib/quickstart.sh demo   set up, build, run the local demo
#   sh contrib/quickstart.sh test   set up, build, run every test build
# Builds happen out of tree under build/ so several configurations share
# one source tree.  Needs root (or sudo) only to install packages and to
# create the unprivileged user of the coordinator's children.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
jobs=$(nproc 2>/dev/null || echo 2)
PRIVSEP_USER=_contrast

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

setup() {
	pkgs="build-essential autoconf automake pkg-config libssl-dev openssl
	    libseccomp-dev libcap-dev libmsgpack-dev libyaml-dev libjansson-dev
	    clang libclang-rt-14-dev valgrind procps iproute2"
	missing=
	for p in $pkgs; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		    grep -q 'install ok installed' || missing="$missing $p"
	done
	if [ -n "$missing" ]; then
		echo "quickstart: installing$missing"
		as_root apt-get update -qq
		# shellcheck disable=SC2086
		as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		    --no-install-recommends $missing >/dev/null
	fi
	if ! id "$PRIVSEP_USER" >/dev/null 2>&1; then
		echo "quickstart: creating user $PRIVSEP_USER"
		as_root useradd --system --no-create-home \
		    --shell /usr/sbin/nologin "$PRIVSEP_USER"
	fi
	[ -x configure ] || autoreconf -fi
}

# build NAME [configure options...]
build() {
	name=$1
	shift
	mkdir -p "build/$name"
	(cd "build/$name" && "$top/configure" -q --enable-werror "$@" &&
	    make -s -j"$jobs")
}

# check NAME [make args...]: run the suite, never stop the script.
check() {
	name=$1
	shift
	echo "quickstart: make check in build/$name"
	(cd "build/$name" && make -s -j"$jobs" check "$@") || true
}

summary() {
	pass=0
	fail=0
	skip=0
	for trs in $(find build -name '*.trs' -not -path '*/_build/*' \
	    -not -path '*/contrast-*/*'); do
		p=$(grep -c '^:test-result: PASS' "$trs" || true)
		f=$(grep -c -E '^:test-result: (FAIL|XPASS|ERROR)' "$trs" || true)
		s=$(grep -c '^:test-result: SKIP' "$trs" || true)
		pass=$((pass + p))
		fail=$((fail + f))
		skip=$((skip + s))
		[ "$f" -eq 0 ] || echo "quickstart: failures in $trs"
	done
	fail=$((fail + extra_fail))
	echo "$pass passed, $fail failed, $skip skipped"
	[ "$fail" -eq 0 ]
}

case "${1:-}" in
demo)
	setup
	build main
	exec bash "$top/contrib/demo/run.sh" "$top/build/main"
	;;
test)
	setup
	rm -rf build
	extra_fail=0
	build main || extra_fail=$((extra_fail + 1))
	check main
	build selftest --enable-sandbox-selftest ||
	    extra_fail=$((extra_fail + 1))
	check selftest TESTS="$(cd build/main && make -s print-sandbox-tests)"
	build asan --enable-asan --enable-ubsan --disable-seccomp \
	    CC=clang || extra_fail=$((extra_fail + 1))
	check asan
	build fuzz --enable-fuzzing --disable-seccomp ||
	    extra_fail=$((extra_fail + 1))
	check fuzz TESTS="$(cd build/main && make -s print-fuzz-tests)"
	echo "quickstart: make distcheck"
	(cd build/main && make -s -j"$jobs" distcheck >distcheck.out 2>&1) || {
		tail -40 build/main/distcheck.out
		echo "quickstart: distcheck failed"
		extra_fail=$((extra_fail + 1))
	}
	summary
	;;
*)
	echo "usage: sh contrib/quickstart.sh demo|test" >&2
	exit 1
	;;
esac
