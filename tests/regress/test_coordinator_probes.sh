#!/bin/bash
# contrast-coordinator's probe port and lifecycle: startup and liveness
# answer 200, readiness 503 "no manifest", /metrics 200, unknown paths
# 404, other methods 405, malformed requests 400, slow clients are cut
# off; the user and mesh API ports drop plain-text clients; SIGTERM ends
# every process with status 0.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/sandbox/coordlib.sh"
coord_need_user

coord_start || { not_ok "coordinator starts"; done_testing; exit 1; }
ok "coordinator starts"

check "GET /probe/startup -> 200" \
    test "$(http_status $PROBE_PORT /probe/startup)" = 200
check "GET /probe/liveness -> 200" \
    test "$(http_status $PROBE_PORT /probe/liveness)" = 200
check "GET /probe/readiness -> 503 (no manifest)" \
    test "$(http_status $PROBE_PORT /probe/readiness)" = 503
check "GET /probe/liveness?x=1 -> 200 (query ignored)" \
    test "$(http_status $PROBE_PORT '/probe/liveness?x=1')" = 200
check "GET /metrics -> 200" \
    test "$(http_status $PROBE_PORT /metrics)" = 200
check "GET /nothing -> 404" \
    test "$(http_status $PROBE_PORT /nothing)" = 404
check "POST /probe/startup -> 405" \
    test "$(http_raw $PROBE_PORT 'POST /probe/startup HTTP/1.1\r\nContent-Length: 0\r\n\r\n')" = 405
check "garbage request line -> 400" \
    test "$(http_raw $PROBE_PORT 'garbage\r\n\r\n')" = 400
check "bare LF line ends -> 400" \
    test "$(http_raw $PROBE_PORT 'GET /probe/startup HTTP/1.1\nHost: x\n\n')" = 400
check "NUL byte -> 400" \
    test "$(http_raw $PROBE_PORT 'GET /probe/\0startup HTTP/1.1\r\n\r\n')" = 400
check "HTTP/2.0 -> 400" \
    test "$(http_raw $PROBE_PORT 'GET /probe/startup HTTP/2.0\r\n\r\n')" = 400
big=$(head -c 3000 /dev/zero | tr '\0' a)
check "oversized header -> 400" \
    test "$(http_raw $PROBE_PORT "GET /probe/startup HTTP/1.1\r\nX: $big\r\n\r\n")" = 400

# The body of the readiness answer says why.
exec 5<>"/dev/tcp/127.0.0.1/$PROBE_PORT"
printf 'GET /probe/readiness HTTP/1.1\r\n\r\n' >&5
body=$(timeout 5 cat <&5 | tail -1)
exec 5>&-
check "readiness body is 'no manifest' (got '$body')" test "$body" = "no manifest"

# A client that never finishes its request is dropped after 5 s.
exec 6<>"/dev/tcp/127.0.0.1/$PROBE_PORT"
printf 'GET /probe/startup HTTP/1.1\r\n' >&6
start=$SECONDS
timeout 10 cat <&6 >/dev/null
el=$((SECONDS - start))
exec 6>&-
check "incomplete request closed by the read timeout (${el}s)" \
    test "$el" -ge 3 -a "$el" -le 8

# More idle clients than the cap (32): the oldest idle ones are dropped
# and the probe keeps answering at once.
probe_ok() {
	test "$(http_status $PROBE_PORT "$1")" = 200
}
fds=
for i in $(seq 40); do
	exec {fd}<>"/dev/tcp/127.0.0.1/$PROBE_PORT"
	fds="$fds $fd"
done
start=$SECONDS
check "probe answers with 40 idle clients connected" probe_ok /probe/liveness
check "... without waiting for their timeout ($((SECONDS - start))s)" \
    test $((SECONDS - start)) -le 2
for fd in $fds; do exec {fd}>&-; done
check "probes answer after the idle clients left" \
    wait_for 10 probe_ok /probe/startup

# User and mesh API speak TLS only: a plain-text client is dropped at
# once, with one log line.
for p in $USER_PORT $MESH_PORT; do
	exec 5<>"/dev/tcp/127.0.0.1/$p"
	printf 'GET / HTTP/1.0\r\n\r\n' >&5
	start=$SECONDS
	timeout 5 cat <&5 >/dev/null
	exec 5>&-
	check "port $p: plain text is dropped at once ($((SECONDS - start))s)" \
	    test $((SECONDS - start)) -le 2
done
check "the drops are logged" \
    wait_for 5 coord_log_has "dropped: TLS handshake"
kids=$(coord_children)
check "three children running" test "$(echo $kids | wc -w)" = 3
kill -TERM "$coord_pid"
coord_wait_exit 10
check "SIGTERM: parent exits with status 0 (got $coord_status)" \
    test "$coord_status" = 0
check "SIGTERM: no child left" pids_gone $kids
if [ "$(id -u)" -eq 0 ]; then
	check "SIGTERM: no process titled as one of ours left" no_titled_left
else
	skip_one "not root: titles of other instances are indistinguishable"
fi
check "SIGTERM: log says so" coord_log_has "parent: received SIGTERM"
check "no 'fatal' in the log" bash -c "! grep -q fatal '$CW/log'"

# SIGINT too.
coord_start || not_ok "second start"
kids=$(coord_children)
kill -INT "$coord_pid"
coord_wait_exit 10
check "SIGINT: parent exits with status 0 (got $coord_status)" \
    test "$coord_status" = 0
check "SIGINT: no child left" pids_gone $kids
done_testing
