#!/bin/bash
# contrast-coordinator -n: prints the effective configuration; the
# precedence is flags > environment > file > defaults; bad files and
# values are errors naming the file and line, with exit status 1.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/sandbox/coordlib.sh"

unset CONTRAST_STATE_DIR CONTRAST_USER_API CONTRAST_MESH_API \
    CONTRAST_PROBE_LISTEN CONTRAST_CONFIG
cd "$CW" || exit 1

# key VALUE from -n output
key() {
	sed -n "s/^$1: //p" "$CW/out"
}

run() {
	"$COORD" -n "$@" >"$CW/out" 2>"$CW/err"
}

check "-n with defaults exits 0" run
check "default user-api 0.0.0.0:1313" test "$(key user-api)" = 0.0.0.0:1313
check "default mesh-api 0.0.0.0:7777" test "$(key mesh-api)" = 0.0.0.0:7777
check "default probe-listen 0.0.0.0:9102" \
    test "$(key probe-listen)" = 0.0.0.0:9102
check "-n names the sandbox ($COORD_SANDBOX)" \
    grep -q -E '^# sandbox: (seccomp|none)$' "$CW/out"
check "-n says configuration OK" grep -q '^# configuration OK$' "$CW/out"

cat >"$CW/c.yaml" <<'YAML'
# a comment
state-dir: /srv/file-state
user-api: 127.0.0.1:1001
mesh-api: "[::1]:1002"
probe-listen: 127.0.0.1:1003
YAML
check "-f FILE accepted" run -f "$CW/c.yaml"
check "file sets state-dir" test "$(key state-dir)" = /srv/file-state
check "file sets user-api" test "$(key user-api)" = 127.0.0.1:1001
check "file sets an IPv6 mesh-api" test "$(key mesh-api)" = "[::1]:1002"
check "file sets probe-listen" test "$(key probe-listen)" = 127.0.0.1:1003

CONTRAST_CONFIG="$CW/c.yaml" run
check "CONTRAST_CONFIG is read" test "$(key user-api)" = 127.0.0.1:1001

CONTRAST_USER_API=127.0.0.2:2001 CONTRAST_STATE_DIR=/srv/env run -f "$CW/c.yaml"
check "environment overrides the file (user-api)" \
    test "$(key user-api)" = 127.0.0.2:2001
check "environment overrides the file (state-dir)" \
    test "$(key state-dir)" = /srv/env
check "file still applies where env is silent" \
    test "$(key mesh-api)" = "[::1]:1002"

CONTRAST_USER_API=127.0.0.2:2001 CONTRAST_PROBE_LISTEN=127.0.0.2:2003 \
    run -f "$CW/c.yaml" --user-api 127.0.0.3:3001 --state-dir /srv/flag
check "flag overrides env (user-api)" test "$(key user-api)" = 127.0.0.3:3001
check "flag overrides file (state-dir)" test "$(key state-dir)" = /srv/flag
check "env applies where no flag (probe-listen)" \
    test "$(key probe-listen)" = 127.0.0.2:2003

# bad FILE CONTENT LINE WHAT: exit 1 and "FILE:LINE" in the message.
bad() {
	printf '%b' "$2" >"$CW/$1"
	run -f "$CW/$1"
	st=$?
	if [ "$st" -eq 0 ]; then
		not_ok "$4: accepted"
		return
	fi
	if [ "$st" -eq 1 ] && grep -q "$CW/$1:$3:" "$CW/err"; then
		ok "$4: exit 1, '$(cat "$CW/err")'"
	else
		not_ok "$4: status $st, message '$(cat "$CW/err")'"
	fi
}
bad unknown.yaml 'user-api: 127.0.0.1:1\nlisten: 1.2.3.4:5\n' 2 \
    "unknown key names file and line"
check "... and the key" grep -q '"listen"' "$CW/err"
bad dup.yaml 'user-api: 127.0.0.1:1\n\nuser-api: 127.0.0.1:2\n' 3 \
    "duplicate key"
bad nested.yaml 'state-dir:\n  a: b\n' 2 "nested mapping"
bad seq.yaml '- state-dir\n' 1 "sequence at top level"
bad addr.yaml 'mesh-api: localhost:7777\n' 1 "host name instead of address"
bad port.yaml 'probe-listen: 127.0.0.1:65536\n' 1 "port out of range"
bad rel.yaml 'state-dir: relative/dir\n' 1 "relative state-dir"
bad flow.yaml 'user-api: [1, 2]\n' 1 "flow sequence value"
bad syntax.yaml 'user-api: "unterminated\n' 2 "YAML syntax error"
bad scalar.yaml 'just a string\n' 1 "document is a scalar"
bad twodocs.yaml 'user-api: 127.0.0.1:1\n---\nmesh-api: 127.0.0.1:2\n' 2 \
    "second document"
bad empty.yaml 'user-api:\n' 1 "empty value"

printf '' >"$CW/none.yaml"
check "empty file is an empty configuration" run -f "$CW/none.yaml"

run -f "$CW/does-not-exist.yaml"
check "missing file: exit 1" test $? -eq 1
check "missing file: message names it" \
    grep -q "does-not-exist.yaml" "$CW/err"

CONTRAST_MESH_API=nonsense run
check "bad environment value: exit 1" test $? -eq 1
check "bad environment value: names the variable" \
    grep -q CONTRAST_MESH_API "$CW/err"
run --probe-listen 1.2.3.4
check "bad flag value: exit 1" test $? -eq 1
run --user-api 127.0.0.1:5000 --mesh-api 127.0.0.1:5000
check "same address twice: exit 1" test $? -eq 1
"$COORD" -n extra-arg >/dev/null 2>&1
check "stray argument: exit 1" test $? -eq 1
done_testing
