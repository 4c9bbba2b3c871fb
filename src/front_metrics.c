/*
 * The front's own counters and their Prometheus text exposition (format
 * 0.0.4): requests by API, type and result, a handling-time histogram
 * per API, current connections, dropped clients by reason.  The parent's
 * counters come first in /metrics (MSG_PARENT_METRICS_OK), these after.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "front.h"

const double front_buckets[FRONT_NBUCKETS] = {
	0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
};

static const char *const front_api_labels[FRONT_API_MAX] = {
	"user", "mesh"
};

static const char *const front_drop_labels[FDROP_MAX] = {
	[FDROP_HANDSHAKE] = "handshake",
	[FDROP_HANDSHAKE_TIMEOUT] = "handshake_timeout",
	[FDROP_IDLE_TIMEOUT] = "idle_timeout",
	[FDROP_FRAME_TIMEOUT] = "frame_timeout",
	[FDROP_WRITE_TIMEOUT] = "write_timeout",
	[FDROP_BAD_LENGTH] = "bad_length",
	[FDROP_MALFORMED] = "malformed",
	[FDROP_PROTOCOL] = "protocol",
	[FDROP_BUDGET] = "memory_budget",
	[FDROP_PARENT_TIMEOUT] = "parent_timeout",
	[FDROP_IO] = "io_error",
};

const char *
front_drop_label(enum front_drop d)
{
	return (unsigned)d < FDROP_MAX ? front_drop_labels[d] : "unknown";
}

void
front_metrics_request(struct front_metrics *fm, int api, uint32_t type,
    uint32_t result, uint64_t us)
{
	int	 t, b;

	if (api < 0 || api >= FRONT_API_MAX ||
	    (t = front_type_index(type)) == -1 || result >= WIRE_ERR_MAX)
		return;
	fm->requests[api][t][result]++;
	for (b = 0; b < FRONT_NBUCKETS; b++)
		if ((double)us <= front_buckets[b] * 1e6)
			break;
	if (b < FRONT_NBUCKETS)
		fm->buckets[api][b]++;
	fm->count[api]++;
	fm->sum_us[api] += us;
}

/* Appends to a fixed buffer; the first overflow sticks. */
struct front_text {
	char	*buf;
	size_t	 len, off;
	int	 full;
};

static void
front_printf(struct front_text *t, const char *fmt, ...)
    __attribute__((__format__ (printf, 2, 3)));

static void
front_printf(struct front_text *t, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	if (t->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->off, t->len - t->off, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= t->len - t->off) {
		t->full = 1;
		return;
	}
	t->off += (size_t)n;
}

int
front_metrics_text(const struct front_metrics *fm, char *buf, size_t len)
{
	struct front_text	 t = { buf, len, 0, 0 };
	uint64_t		 cum;
	int			 a, ty, r, b;

	if (len == 0)
		return -1;
	buf[0] = '\0';
	front_printf(&t, "# HELP contrast_requests_total Client requests "
	    "answered, by API, type and result.\n"
	    "# TYPE contrast_requests_total counter\n");
	for (a = 0; a < FRONT_API_MAX; a++)
		for (ty = 0; ty < FRONT_NTYPES; ty++)
			for (r = 0; r < WIRE_ERR_MAX; r++) {
				if (fm->requests[a][ty][r] == 0)
					continue;
				front_printf(&t, "contrast_requests_total{"
				    "api=\"%s\",type=\"%s\",result=\"%s\"} "
				    "%llu\n", front_api_labels[a],
				    front_type_label(ty),
				    r == 0 ? "ok" : wire_error_name(r),
				    (unsigned long long)
				    fm->requests[a][ty][r]);
			}
	front_printf(&t, "# HELP contrast_request_duration_seconds Time "
	    "from a complete request frame to its answer, by API.\n"
	    "# TYPE contrast_request_duration_seconds histogram\n");
	for (a = 0; a < FRONT_API_MAX; a++) {
		cum = 0;
		for (b = 0; b < FRONT_NBUCKETS; b++) {
			cum += fm->buckets[a][b];
			front_printf(&t,
			    "contrast_request_duration_seconds_bucket"
			    "{api=\"%s\",le=\"%g\"} %llu\n",
			    front_api_labels[a], front_buckets[b],
			    (unsigned long long)cum);
		}
		front_printf(&t, "contrast_request_duration_seconds_bucket"
		    "{api=\"%s\",le=\"+Inf\"} %llu\n"
		    "contrast_request_duration_seconds_sum{api=\"%s\"} "
		    "%.6f\n"
		    "contrast_request_duration_seconds_count{api=\"%s\"} "
		    "%llu\n", front_api_labels[a],
		    (unsigned long long)fm->count[a], front_api_labels[a],
		    (double)fm->sum_us[a] / 1e6, front_api_labels[a],
		    (unsigned long long)fm->count[a]);
	}
	front_printf(&t, "# HELP contrast_front_connections Open client "
	    "connections, by API.\n"
	    "# TYPE contrast_front_connections gauge\n");
	for (a = 0; a < FRONT_API_MAX; a++)
		front_printf(&t, "contrast_front_connections{api=\"%s\"} "
		    "%llu\n", front_api_labels[a],
		    (unsigned long long)fm->connections[a]);
	front_printf(&t, "# HELP contrast_front_dropped_clients_total "
	    "Client connections closed for a protocol violation or "
	    "timeout, by reason.\n"
	    "# TYPE contrast_front_dropped_clients_total counter\n");
	for (r = 0; r < FDROP_MAX; r++)
		front_printf(&t, "contrast_front_dropped_clients_total{"
		    "reason=\"%s\"} %llu\n", front_drop_labels[r],
		    (unsigned long long)fm->dropped[r]);
	front_printf(&t, "# HELP contrast_front_refused_connections_total "
	    "Connections closed at once because %d were open.\n"
	    "# TYPE contrast_front_refused_connections_total counter\n"
	    "contrast_front_refused_connections_total %llu\n",
	    FRONT_MAXCLIENTS, (unsigned long long)fm->refused);
	if (t.full)
		return -1;
	return (int)t.off;
}
