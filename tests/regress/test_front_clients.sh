#!/bin/bash
# The front against hostile clients on loopback (doc/PROTOCOL.md limits):
# a bad length, an oversized frame, a msgpack bomb, a wrong arity, a
# request before HELLO or on the wrong API, an idle client and a slow
# loris are each dropped with one log line, while a concurrent good
# client is served; the connection cap closes extra clients at once and
# logs once per burst, and silent connections never reach it; /metrics
# parses and counts all of it.  Short timeouts and a small cap come from
# the front's test knobs.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/sandbox/coordlib.sh"
coord_need_user

FC="$top_builddir/tests/regress/front_client"
export CONTRAST_TEST_CLIENT_TIMEOUT_MS=1500
export CONTRAST_TEST_MAX_CLIENTS=6

coord_start || { not_ok "coordinator starts"; done_testing; exit 1; }
ok "coordinator starts (client timeouts 1.5 s, cap 6)"
front=$(coord_role_pid front)
U="127.0.0.1:$USER_PORT"
M="127.0.0.1:$MESH_PORT"

# fc WHAT ARGS...: the client's one-line report in $out.
fc() {
	out=$("$FC" "$@" 2>&1)
}
# Closed by the server within MAX ms?
closed_within() {
	local n
	case $out in
	"closed after "*) n=${out#closed after }; n=${n% ms} ;;
	*) return 1 ;;
	esac
	[ "$n" -ge "${2:-0}" ] && [ "$n" -le "$1" ]
}

fc hello "$U"
check "user API: HELLO answered ($out)" test "$out" = "hello ok v1"
fc hello "$M"
check "mesh API: HELLO answered ($out)" test "$out" = "hello ok v1"
fc get "$U"
check "user API: GET_MANIFESTS before a manifest -> NO_MANIFEST ($out)" \
    test "$out" = "error no_manifest"

# HELLO 2..3: no common version, ERROR with the reqid, then close.
fc raw "$U" 0000002a94010100940203c420$(printf '11%.0s' $(seq 32))c2
check "HELLO 2..3: ERROR answers reqid 1 ($out)" \
    test "$out" = "answer ERROR reqid 1"
check "... logged as nothing worse than an answer" \
    bash -c "! grep -q 'dropped: .*HELLO' '$CW/log'"

fc raw "$U" 00000000
check "length 0: dropped at once ($out)" closed_within 1000
check "... logged" wait_for 3 coord_log_has "dropped: frame length: frame length 0"
fc raw "$U" 01000001
check "user frame of 16 MiB + 1: dropped before any allocation ($out)" \
    closed_within 1000
check "... logged" wait_for 3 coord_log_has "frame length 16777217 over"
fc raw "$M" 00040001
check "mesh frame of 256 KiB + 1: dropped ($out)" closed_within 1000
fc raw "$U" 0000000994010100ddffffffff
check "msgpack bomb dd ff ff ff ff: dropped ($out)" closed_within 1000
check "... logged" wait_for 3 coord_log_has "declares 4294967295 elements"
fc raw "$U" 0000000894010100930101c2
check "HELLO with 3 fields: dropped ($out)" closed_within 1000
check "... logged" wait_for 3 coord_log_has "wrong arity (got 3, want 4)"
fc raw "$U" 00000006940c01009000
check "trailing byte: dropped ($out)" closed_within 1000
fc raw "$U" 00000005940c010090
check "GET_MANIFESTS before HELLO: dropped ($out)" closed_within 1000
check "... logged" wait_for 3 coord_log_has "dropped: GET_MANIFESTS before HELLO"
fc raw "$U" 00000005940c000090
check "reqid 0: dropped ($out)" closed_within 1000
fc raw "$M" 00000005940c020090 h
check "GET_MANIFESTS on the mesh API after HELLO: dropped ($out)" \
    closed_within 1000
check "... logged" wait_for 3 coord_log_has "GET_MANIFESTS on the mesh API"
fc raw "$U" 0000002a94010200940101c420$(printf '00%.0s' $(seq 32))c2 h
check "second HELLO: dropped ($out)" closed_within 1000
check "... logged" wait_for 3 coord_log_has "dropped: second HELLO"

# Idle and slow clients are cut off after 1.5 s, while a good client
# arriving meanwhile is served at once.
"$FC" idle "$U" >"$CW/idle.out" 2>&1 &
idle=$!
"$FC" slow "$M" >"$CW/slow.out" 2>&1 &
slow=$!
sleep 0.3
t0=$(date +%s%N)
fc hello "$M"
t1=$(date +%s%N)
check "a good client is served while two bad ones hang ($out, $(((t1 - t0) / 1000000)) ms)" \
    test "$out" = "hello ok v1" -a $(((t1 - t0) / 1000000)) -lt 1000
wait $idle $slow
out=$(cat "$CW/idle.out")
check "idle client dropped after the idle timeout ($out)" \
    closed_within 3000 1200
check "... logged" coord_log_has "dropped: idle for 1500 ms"
out=$(cat "$CW/slow.out")
check "slow loris (a byte per 200 ms) dropped by the frame deadline ($out)" \
    closed_within 3000 1200
check "... logged" coord_log_has "dropped: frame not complete within 1500 ms"

# The cap: 6 sessions; the 7th and 8th are closed at once.
"$FC" hold 8 "$U" 1000 >"$CW/hold.out" 2>&1 &
hold=$!
wait_for 5 grep -q established "$CW/hold.out"
out=$(cat "$CW/hold.out")
check "cap 6: 8 clients -> $out" test "$out" = "established 6 refused 2"
fc hello "$M"
check "at the cap a ninth client is refused too ($out)" \
    bash -c "case '$out' in 'hello failed'*) exit 0;; esac; exit 1"
wait $hold
check "the cap is logged once per burst" \
    test "$(grep -c 'connection cap of 6 reached' "$CW/log")" = 1
check "after the burst clients are served ($(fc hello "$U"; echo "$out"))" \
    wait_for 5 bash -c "'$FC' hello '$U' | grep -q 'hello ok'"
check "... and the burst's count logged" \
    coord_log_has "connection cap: 3 clients refused in that burst"

# Peers that connect and say nothing stay in the kernel (TCP_DEFER_ACCEPT
# on the TLS listeners): ten of them take none of the 6 slots.
fds=
for i in 1 2 3 4 5 6 7 8 9 10; do
	exec {fd}<>"/dev/tcp/127.0.0.1/$USER_PORT"
	fds="$fds $fd"
done
fc hello "$U"
check "10 silent connections take no slot: a client is served ($out)" \
    test "$out" = "hello ok v1"
for fd in $fds; do exec {fd}>&-; done

# /metrics: the parent's counters, then the front's; every line parses.
exec 5<>"/dev/tcp/127.0.0.1/$PROBE_PORT"
printf 'GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n' >&5
timeout 5 cat <&5 | tr -d '\r' | sed '1,/^$/d' >"$CW/metrics"
exec 5>&-
check "metrics: $(wc -l <"$CW/metrics") lines, each a comment or 'name{labels} value'" \
    bash -c "! grep -Ev '^# (HELP|TYPE) [a-z_]+ |^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_]+=\"[^\"]*\",?)*\})? (-?[0-9.e+-]+|\+Inf|NaN)$' '$CW/metrics' | grep -q ."
metric() {
	sed -n "s/^$1 //p" "$CW/metrics"
}
check "metrics: the parent's state gauge is there" \
    test -n "$(metric contrast_coordinator_state)"
check "metrics: HELLO ok counted on both APIs" \
    test "$(metric 'contrast_requests_total{api="user",type="hello",result="ok"}')" -ge 2 -a \
    "$(metric 'contrast_requests_total{api="mesh",type="hello",result="ok"}')" -ge 2
check "metrics: unsupported_version counted" \
    test "$(metric 'contrast_requests_total{api="user",type="hello",result="unsupported_version"}')" = 1
check "metrics: no_manifest counted" \
    test "$(metric 'contrast_requests_total{api="user",type="get_manifests",result="no_manifest"}')" = 1
check "metrics: drops by reason (bad_length 3, malformed 4, protocol 4)" \
    test "$(metric 'contrast_front_dropped_clients_total{reason="bad_length"}')" = 3 -a \
    "$(metric 'contrast_front_dropped_clients_total{reason="malformed"}')" -ge 4 -a \
    "$(metric 'contrast_front_dropped_clients_total{reason="protocol"}')" -ge 3
check "metrics: idle and frame timeouts counted" \
    test "$(metric 'contrast_front_dropped_clients_total{reason="idle_timeout"}')" = 1 -a \
    "$(metric 'contrast_front_dropped_clients_total{reason="frame_timeout"}')" = 1
check "metrics: refused at the cap" \
    test "$(metric contrast_front_refused_connections_total)" = 3
check "metrics: histogram count equals the requests" \
    test "$(metric 'contrast_request_duration_seconds_count{api="user"}')" = \
    "$(metric 'contrast_request_duration_seconds_bucket{api="user",le="+Inf"}')"

check "the front never died (same pid $front)" \
    test "$(coord_role_pid front)" = "$front"
check "no 'fatal' and no lost child in the log" \
    bash -c "! grep -Eq 'fatal|lost child' '$CW/log'"
done_testing
