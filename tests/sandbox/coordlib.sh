# Helpers for the tests that run contrast-coordinator (bash: /dev/tcp).
# Source after tests/lib.sh.  Every test gets its own state dir and
# ports, and an EXIT trap that kills whatever it started.

COORD="$top_builddir/src/contrast-coordinator"
if [ ! -x "$COORD" ]; then
	echo "Bail out! $COORD is not built"
	exit 1
fi
coord_pid=
coord_kids=
coord_status=
CW=$(mktemp -d "${TMPDIR:-/tmp}/contrast-coord.XXXXXX") || exit 1

coord_cleanup() {
	# By pid only: never by name, other instances may be running.
	for p in $coord_pid $coord_kids; do
		kill -9 "$p" 2>/dev/null
	done
	[ -n "$coord_pid" ] && wait "$coord_pid" 2>/dev/null
	[ -n "$KEEP_CW" ] || rm -rf "$CW"
}
trap coord_cleanup EXIT

# What this build is: "seccomp" or "none", and whether selftest hooks exist.
coord_info() {
	"$COORD" -n --state-dir "$CW/state" | sed -n "s/^# $1: //p"
}
COORD_SANDBOX=$(coord_info sandbox)
COORD_SELFTEST=$(coord_info sandbox-selftest)
COORD_USER=$(coord_info privsep-user)

# Root needs the privsep user; without it the daemon refuses to start.
coord_need_user() {
	if [ "$(id -u)" -eq 0 ] && ! id "$COORD_USER" >/dev/null 2>&1; then
		skip_all "running as root but privsep user $COORD_USER is" \
		    "missing (contrib/quickstart.sh creates it)"
	fi
}

# wait_for SECONDS COMMAND...: poll every 0.1 s until COMMAND succeeds.
wait_for() {
	local n=$(($1 * 10))
	shift
	while [ "$n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

coord_log_has() {
	grep -q -- "$1" "$CW/log"
}

# coord_start [ARGS...]: start in the foreground mode (-d) on fresh ports
# and wait until every child is ready.  Sets USER_PORT MESH_PORT
# PROBE_PORT coord_pid.
coord_start() {
	USER_PORT=$(free_port)
	MESH_PORT=$(free_port)
	PROBE_PORT=$(free_port)
	while [ "$MESH_PORT" = "$USER_PORT" ]; do MESH_PORT=$(free_port); done
	while [ "$PROBE_PORT" = "$USER_PORT" ] ||
	    [ "$PROBE_PORT" = "$MESH_PORT" ]; do
		PROBE_PORT=$(free_port)
	done
	mkdir -p "$CW/state"
	: >"$CW/log"
	"$COORD" -d --state-dir "$CW/state" \
	    --user-api "127.0.0.1:$USER_PORT" \
	    --mesh-api "127.0.0.1:$MESH_PORT" \
	    --probe-listen "127.0.0.1:$PROBE_PORT" "$@" >>"$CW/log" 2>&1 &
	coord_pid=$!
	if ! wait_for 20 coord_log_has "parent: all children ready"; then
		diag "coordinator did not start; its log:"
		sed 's/^/# /' "$CW/log"
		return 1
	fi
	coord_kids=$(coord_children)
	return 0
}

# Pids whose parent is the coordinator.
coord_children() {
	ps -o pid= --ppid "$coord_pid" 2>/dev/null | tr -d ' '
}

# Pid of a role: child of our parent whose title names the role.
coord_role_pid() {
	local p
	for p in $(coord_children); do
		if [ "$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null |
		    sed 's/ *$//')" = "contrast-coordinator: $1" ]; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# Field of /proc/PID/status, tabs squeezed.
proc_field() {
	sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" | tr -s '\t ' ' '
}

# Wait for the parent to exit; its status in coord_status.
coord_wait_exit() {
	local t=$(($1 * 10))
	while [ "$t" -gt 0 ] && kill -0 "$coord_pid" 2>/dev/null; do
		sleep 0.1
		t=$((t - 1))
	done
	if kill -0 "$coord_pid" 2>/dev/null; then
		coord_status=timeout
		return 1
	fi
	wait "$coord_pid"
	coord_status=$?
	return 0
}

# True when none of the given pids exists any more.
pids_gone() {
	local p
	for p in "$@"; do
		[ -d "/proc/$p" ] && ! grep -q '^State:.*Z' "/proc/$p/status" \
		    2>/dev/null && return 1
	done
	return 0
}

# HTTP status code of GET PATH on PORT ("" when the connection fails).
http_status() {
	local line
	exec 5<>"/dev/tcp/127.0.0.1/$1" || return 1
	printf 'GET %s HTTP/1.1\r\nHost: probe\r\n\r\n' "$2" >&5
	IFS= read -r -t 5 line <&5
	exec 5>&-
	line=${line%$'\r'}
	echo "$line" | cut -d' ' -f2
}

# Send raw bytes (printf format) and print the status code.
http_raw() {
	local line
	exec 5<>"/dev/tcp/127.0.0.1/$1" || return 1
	printf "$2" >&5
	IFS= read -r -t 8 line <&5
	exec 5>&-
	line=${line%$'\r'}
	echo "$line" | cut -d' ' -f2
}

# One skipped test point with its reason.
skip_one() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n # SKIP $*"
}

# No process titled "contrast-coordinator: <role>" is chrooted to our
# state dir (other instances may run concurrently: only ours count).
# Only meaningful as root (no chroot otherwise).
no_titled_left() {
	local p
	for p in $(pgrep -f '^contrast-coordinator: (front|ca|verifier)$'); do
		[ "$(readlink "/proc/$p/root" 2>/dev/null)" = "$CW/state/empty" ] &&
		    return 1
	done
	return 0
}
