/*
 * contrast sim: the simulated TEE (INSECURE; see src/sim.h, doc/sim.md).
 *
 *   contrast sim init [--image NAME | --image-file FILE] [--force] [DIR]
 *   contrast sim report (--hostdata HEX | --initdata FILE)
 *       [--report-data HEX] [--image NAME | --image-file FILE]
 *       [--sim-dir DIR] [-o FILE] [--certs FILE] [--evidence FILE]
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "cli.h"
#include "evidence.h"
#include "sim.h"
#include "util.h"

#define SIM_INITDATA_MAX	(1024 * 1024)

static void
sim_usage(FILE *f)
{
	fprintf(f,
	    "usage: contrast sim init [--image NAME | --image-file FILE] "
	    "[--force] [DIR]\n"
	    "       contrast sim report (--hostdata HEX | --initdata FILE) "
	    "[--report-data HEX]\n"
	    "           [--image NAME | --image-file FILE] [--sim-dir DIR] "
	    "[-o FILE]\n"
	    "           [--certs FILE] [--evidence FILE]\n"
	    "The sim dir defaults to $%s, else %s.\n"
	    "INSECURE: the simulated TEE is for local runs and tests only.\n",
	    SIM_DIR_ENV, SIM_DEFAULT_DIR);
}

static int
sim_measure_file(const char *path, uint8_t meas[SIM_MEASUREMENT_LEN])
{
	uint8_t	*buf;
	size_t	 len;
	char	 err[512];

	if (file_read(path, SIM_IMAGE_MAX, &buf, &len, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "contrast: sim: %s\n", err);
		return -1;
	}
	sim_image_measurement_bytes(buf, len, meas);
	free(buf);
	return 0;
}

static int
sim_cmd_init(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "image",	required_argument,	NULL, 'i' },
		{ "image-file",	required_argument,	NULL, 'I' },
		{ "force",	no_argument,		NULL, 'f' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct sim_init_opts	 o;
	const char		*dir, *image_file = NULL;
	uint8_t			*img = NULL;
	size_t			 imglen = 0;
	char			 err[512];
	int			 ch, rv;

	memset(&o, 0, sizeof(o));
	optind = 1;
	while ((ch = getopt_long(argc, argv, "fh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'i':
			o.image_name = optarg;
			break;
		case 'I':
			image_file = optarg;
			break;
		case 'f':
			o.force = 1;
			break;
		case 'h':
			sim_usage(stdout);
			return 0;
		default:
			sim_usage(stderr);
			return 1;
		}
	}
	if (argc - optind > 1 || (o.image_name && image_file)) {
		sim_usage(stderr);
		return 1;
	}
	dir = optind < argc ? argv[optind] : sim_default_dir();
	if (image_file != NULL) {
		if (file_read(image_file, SIM_IMAGE_MAX, &img, &imglen, err,
		    sizeof(err)) == -1) {
			fprintf(stderr, "contrast: sim init: %s\n", err);
			return 1;
		}
		o.image = img;
		o.image_len = imglen;
		o.image_name = image_file;
	}
	rv = sim_init(dir, &o, err, sizeof(err));
	free(img);
	if (rv == -1) {
		fprintf(stderr, "contrast: %s\n", err);
		return 1;
	}
	printf("initialised INSECURE simulated TEE in %s\n"
	    "reference values: %s/reference-values.json\n", dir, dir);
	return 0;
}

/* Hex of 1..max bytes, zero-padded on the right to max (report data). */
static int
sim_hex_arg(const char *what, const char *s, uint8_t *out, size_t max,
    int exact)
{
	size_t	 n = strlen(s);

	memset(out, 0, max);
	if (n == 0 || n % 2 != 0 || n / 2 > max || (exact && n / 2 != max) ||
	    hex_decode(s, n, out, n / 2) == -1) {
		fprintf(stderr, "contrast: sim: --%s: want %s%zu bytes of "
		    "hex\n", what, exact ? "" : "up to ", max);
		return -1;
	}
	return 0;
}

static int
sim_write_out(const char *path, const void *data, size_t len)
{
	char	 err[512];

	if (file_write_atomic(path, data, len, 0644, err, sizeof(err)) ==
	    -1) {
		fprintf(stderr, "contrast: sim report: %s\n", err);
		return -1;
	}
	return 0;
}

static int
sim_cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "hostdata",	required_argument,	NULL, 'H' },
		{ "initdata",	required_argument,	NULL, 'D' },
		{ "report-data", required_argument,	NULL, 'r' },
		{ "image",	required_argument,	NULL, 'i' },
		{ "image-file",	required_argument,	NULL, 'I' },
		{ "sim-dir",	required_argument,	NULL, 'd' },
		{ "certs",	required_argument,	NULL, 'c' },
		{ "evidence",	required_argument,	NULL, 'e' },
		{ "output",	required_argument,	NULL, 'o' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct evidence_opts	 eo;
	struct evidence_src	*src = NULL;
	struct evidence		 ev;
	const char		*hostdata = NULL, *initdata = NULL;
	const char		*image = NULL, *image_file = NULL;
	const char		*out = NULL, *certs = NULL, *evout = NULL;
	uint8_t			 hd[SIM_HOSTDATA_LEN];
	uint8_t			 rd[SIM_REPORT_DATA_LEN];
	uint8_t			 meas[SIM_MEASUREMENT_LEN];
	uint8_t			*buf, *aux = NULL;
	size_t			 len, auxlen = 0;
	char			 err[512], *hex;
	int			 ch, rv = 1;

	memset(&eo, 0, sizeof(eo));
	memset(&ev, 0, sizeof(ev));
	memset(rd, 0, sizeof(rd));
	optind = 1;
	while ((ch = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'H':
			hostdata = optarg;
			break;
		case 'D':
			initdata = optarg;
			break;
		case 'r':
			if (sim_hex_arg("report-data", optarg, rd, sizeof(rd),
			    0) == -1)
				return 1;
			break;
		case 'i':
			image = optarg;
			break;
		case 'I':
			image_file = optarg;
			break;
		case 'd':
			eo.sim_dir = optarg;
			break;
		case 'c':
			certs = optarg;
			break;
		case 'e':
			evout = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			sim_usage(stdout);
			return 0;
		default:
			sim_usage(stderr);
			return 1;
		}
	}
	if (optind != argc || (hostdata == NULL) == (initdata == NULL) ||
	    (image != NULL && image_file != NULL)) {
		fprintf(stderr, "contrast: sim report: give exactly one of "
		    "--hostdata and --initdata, at most one of --image and "
		    "--image-file\n");
		sim_usage(stderr);
		return 1;
	}
	if (hostdata != NULL && sim_hex_arg("hostdata", hostdata, hd,
	    sizeof(hd), 1) == -1)
		return 1;
	if (initdata != NULL) {
		/* What Kata puts in HOSTDATA: SHA-256 of the initdata. */
		if (file_read(initdata, SIM_INITDATA_MAX, &buf, &len, err,
		    sizeof(err)) == -1) {
			fprintf(stderr, "contrast: sim report: %s\n", err);
			return 1;
		}
		EVP_Digest(buf, len, hd, NULL, EVP_sha256(), NULL);
		free(buf);
	}
	if (image != NULL) {
		sim_image_measurement(image, meas);
		eo.sim_measurement = meas;
	} else if (image_file != NULL) {
		if (sim_measure_file(image_file, meas) == -1)
			return 1;
		eo.sim_measurement = meas;
	}
	eo.sim_hostdata = hd;
	/* Through the evidence interface, as the initializer gets it. */
	if (evidence_open(EVIDENCE_SIM, &eo, &src, err, sizeof(err)) == -1 ||
	    evidence_get(src, rd, &ev, err, sizeof(err)) == -1) {
		fprintf(stderr, "contrast: sim report: %s\n", err);
		goto done;
	}
	if (out != NULL) {
		if (sim_write_out(out, ev.report, ev.report_len) == -1)
			goto done;
	} else {
		if ((hex = malloc(2 * ev.report_len + 1)) == NULL)
			goto done;
		hex_encode(ev.report, ev.report_len, hex);
		printf("%s\n", hex);
		free(hex);
	}
	if (certs != NULL) {
		if (evidence_certs_auxblob(&ev, &aux, &auxlen, err,
		    sizeof(err)) == -1) {
			fprintf(stderr, "contrast: sim report: %s\n", err);
			goto done;
		}
		if (sim_write_out(certs, aux, auxlen) == -1)
			goto done;
	}
	if (evout != NULL) {
		free(aux);
		aux = NULL;
		if (evidence_encode(&ev, &aux, &auxlen, err, sizeof(err)) ==
		    -1) {
			fprintf(stderr, "contrast: sim report: %s\n", err);
			goto done;
		}
		if (sim_write_out(evout, aux, auxlen) == -1)
			goto done;
	}
	rv = 0;
 done:
	free(aux);
	evidence_free(&ev);
	evidence_close(src);
	return rv;
}

int
cmd_sim(int argc, char **argv)
{
	if (argc < 2) {
		sim_usage(stderr);
		return 1;
	}
	if (strcmp(argv[1], "init") == 0)
		return sim_cmd_init(argc - 1, argv + 1);
	if (strcmp(argv[1], "report") == 0)
		return sim_cmd_report(argc - 1, argv + 1);
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		sim_usage(stdout);
		return 0;
	}
	fprintf(stderr, "contrast: sim: unknown subcommand '%s'\n", argv[1]);
	sim_usage(stderr);
	return 1;
}
