/*
 * contrast runtime --platform P: print the RuntimeClass and the node
 * installer DaemonSet for the versioned runtime handler that `contrast
 * generate --reference-values P' puts into the workloads.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "generate.h"
#include "log.h"
#include "yamledit.h"

/* Default VM memory plus the runtime's own share (contrast.md 12.1). */
#define RUNTIME_OVERHEAD	"682Mi"

static void
usage(FILE *f)
{
	fprintf(f,
"usage: contrast runtime --platform P [--sim-dir DIR] [--installer-image REF]\n"
"\n"
"Prints the RuntimeClass and node-installer DaemonSet YAML for platform P\n"
"(metal-qemu-snp, metal-qemu-tdx, sim-snp).\n");
}

static int
emit(const json_t *doc, int first)
{
	char	*t;
	size_t	 len;

	if ((t = yamledit_emit(doc, 0, 0, &len)) == NULL)
		return -1;
	printf("%s%s\n", first ? "" : "---\n", t);
	free(t);
	return 0;
}

int
cmd_runtime(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "platform",		required_argument, NULL, 'p' },
		{ "sim-dir",		required_argument, NULL, 's' },
		{ "installer-image",	required_argument, NULL, 'i' },
		{ "help",		no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	enum gen_platform	 p = GEN_PLATFORM_NONE;
	const char		*sim_dir = getenv("CONTRAST_SIM_DIR");
	const char		*image = "ghcr.io/contrast-c/node-installer:"
				    PACKAGE_VERSION;
	json_t			*refvals = NULL, *rc = NULL, *ds = NULL;
	char			 handler[128], name[160], err[512];
	int			 ch, ret = 1;

	if (sim_dir == NULL || *sim_dir == '\0')
		sim_dir = "sim";
	optind = 1;
	while ((ch = getopt_long(argc, argv, "p:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			if ((p = gen_platform_parse(optarg)) ==
			    GEN_PLATFORM_NONE) {
				log_warnx("runtime: unknown platform '%s'",
				    optarg);
				return 1;
			}
			break;
		case 's':
			sim_dir = optarg;
			break;
		case 'i':
			image = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (p == GEN_PLATFORM_NONE || optind != argc) {
		usage(stderr);
		return 1;
	}
	if (gen_platform_refvals(p, sim_dir, &refvals, err, sizeof(err)) ==
	    -1 || gen_handler_name(p, refvals, handler, sizeof(handler), err,
	    sizeof(err)) == -1) {
		log_warnx("runtime: %s", err);
		goto out;
	}
	snprintf(name, sizeof(name), "%s-nodeinstaller", handler);
	rc = json_pack("{s:s, s:s, s:{s:s, s:{s:s}}, s:s, s:{s:{s:s}}}",
	    "apiVersion", "node.k8s.io/v1",
	    "kind", "RuntimeClass",
	    "metadata", "name", handler, "labels",
	    "addonmanager.kubernetes.io/mode", "Reconcile",
	    "handler", handler,
	    "overhead", "podFixed", "memory", RUNTIME_OVERHEAD);
	ds = json_pack("{s:s, s:s, s:{s:s, s:s, s:{s:s}}, "
	    "s:{s:{s:{s:s}}, s:{s:{s:{s:s}}, s:{s:b, s:[{s:s}], "
	    "s:[{s:s, s:s, s:[s,s], s:{s:b}, s:[{s:s, s:s}, {s:s, s:s}]}], "
	    "s:[{s:s, s:s}], "
	    "s:[{s:s, s:{s:s, s:s}}, {s:s, s:{s:s, s:s}}]}}}}",
	    "apiVersion", "apps/v1",
	    "kind", "DaemonSet",
	    "metadata", "name", name, "namespace", "kube-system",
	    "labels", "app.kubernetes.io/name", name,
	    "spec",
	    "selector", "matchLabels", "app.kubernetes.io/name", name,
	    "template",
	    "metadata", "labels", "app.kubernetes.io/name", name,
	    "spec",
	    "hostPID", 1,
	    "tolerations", "operator", "Exists",
	    "initContainers", "name", "installer", "image", image,
	    "command", "/bin/node-installer", gen_platform_name(p),
	    "securityContext", "privileged", 1,
	    "volumeMounts", "name", "host-mount", "mountPath", "/host",
	    "name", "dbus", "mountPath", "/var/run/dbus/system_bus_socket",
	    "containers", "name", "pause", "image", "registry.k8s.io/pause:3.9",
	    "volumes", "name", "host-mount", "hostPath", "path", "/", "type",
	    "Directory", "name", "dbus", "hostPath", "path",
	    "/var/run/dbus/system_bus_socket", "type", "Socket");
	if (rc == NULL || ds == NULL || emit(rc, 1) == -1 || emit(ds, 0) ==
	    -1) {
		log_warnx("runtime: out of memory");
		goto out;
	}
	if (p == GEN_PLATFORM_SIM_SNP)
		log_warnx("runtime: sim-snp is a simulated TEE: no "
		    "confidentiality, tests and demos only");
	ret = fflush(stdout) == 0 ? 0 : 1;
 out:
	json_decref(refvals);
	json_decref(rc);
	json_decref(ds);
	return ret;
}
