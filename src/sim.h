/*
 * The simulated TEE (INSECURE, for local runs and tests only).
 *
 * There is no SEV-SNP hardware on our machines, so the sim plays AMD's
 * key distribution (an ARK → ASK → VCEK chain of its own), the AMD-SP
 * firmware (it signs SNP-format v3 reports with the VCEK) and the
 * hypervisor (it decides MEASUREMENT and HOSTDATA).  Its evidence goes
 * through the same verifier as real evidence; only the trust anchor
 * differs, and manifests pin it under the explicitly insecure platform
 * "Sim-SNP" by the SHA-256 of the simulated ARK (SimulatedARKDigest).
 *
 * A sim directory holds (see doc/sim.md):
 *   ark.pem ask.pem vcek.pem   the chain (PEM), vcek.der too
 *   cert_chain.pem             ASK then ARK, like AMD KDS's cert_chain
 *   ark.key ask.key vcek.key   private keys, PKCS#8 PEM, mode 0600
 *   sim.json                   chip id, TCB, firmware, default image
 *   reference-values.json      the manifest ReferenceValues object
 */
#ifndef CONTRAST_SIM_H
#define CONTRAST_SIM_H

#include <stddef.h>
#include <stdint.h>

#define SIM_REPORT_LEN		0x4a0	/* an SNP attestation report */
#define SIM_HOSTDATA_LEN	32
#define SIM_REPORT_DATA_LEN	64
#define SIM_MEASUREMENT_LEN	48
#define SIM_CHIP_ID_LEN		64
#define SIM_DEFAULT_IMAGE	"contrast-podvm"
#define SIM_DEFAULT_DIR		"./sim"
#define SIM_DIR_ENV		"CONTRAST_SIM_DIR"
#define SIM_PLATFORM_NAME	"Sim-SNP"
#define SIM_PRODUCT_NAME	"Milan"
#define SIM_IMAGE_MAX		(64L * 1024 * 1024)	/* --image-file cap */

/* The fixed launch parameters every simulated report carries. */
#define SIM_REPORT_VERSION	3
#define SIM_GUEST_POLICY	0x30000ULL	/* SMT allowed + bit 17 */
#define SIM_PLATFORM_INFO	0x25ULL		/* SMT, ECC, alias check */
#define SIM_CPUID_FAMILY	0x19		/* Milan */
#define SIM_CPUID_MODEL		0x01
#define SIM_CPUID_STEPPING	0x01
/* What `sim init' writes into sim.json and the VCEK; reports use sim.json. */
#define SIM_TCB_BOOTLOADER	4
#define SIM_TCB_TEE		0
#define SIM_TCB_SNP		24
#define SIM_TCB_MICROCODE	219	/* >= 128: exercises DER INTEGER 00 */
#define SIM_FW_MAJOR		1
#define SIM_FW_MINOR		55
#define SIM_FW_BUILD		29

struct sim;

struct sim_init_opts {
	const char	*image_name;	/* NULL: SIM_DEFAULT_IMAGE */
	/* Optional image contents: measurement over these bytes instead. */
	const uint8_t	*image;
	size_t		 image_len;
	int		 force;		/* replace an existing sim dir */
};

/*
 * The directory the CLI uses when none is given: $CONTRAST_SIM_DIR, else
 * SIM_DEFAULT_DIR.
 */
const char	*sim_default_dir(void);

/*
 * Create a sim directory: generates the chain, the chip id and the
 * reference values.  The files are written to a temporary sibling
 * directory and renamed into place, so a crash leaves either nothing or
 * a complete sim dir.  An existing non-empty directory is refused unless
 * opts->force, which swaps the new one in and removes the old files.
 */
int	 sim_init(const char *, const struct sim_init_opts *, char *, size_t);

/*
 * The launch measurement of an image: SHA-384 over the domain string
 * "contrast-sim-image-v1:" followed by the name (or by the image bytes,
 * see sim_image_measurement_bytes).  A real MEASUREMENT is SHA-384 based
 * too; only equality matters to the verifier.
 */
void	 sim_image_measurement(const char *, uint8_t[SIM_MEASUREMENT_LEN]);
void	 sim_image_measurement_bytes(const uint8_t *, size_t,
	    uint8_t[SIM_MEASUREMENT_LEN]);

/* Open an existing sim dir (loads the VCEK key, chain and sim.json). */
int	 sim_open(const char *, struct sim **, char *, size_t);
void	 sim_close(struct sim *);

/* Launch the next reports with another image's measurement. */
void	 sim_set_measurement(struct sim *, const uint8_t[SIM_MEASUREMENT_LEN]);
void	 sim_get_measurement(const struct sim *, uint8_t[SIM_MEASUREMENT_LEN]);

/*
 * Issue one SNP v3 report with the given HOSTDATA and REPORT_DATA, signed
 * by the sim VCEK, and the extended-report certificate table (VCEK, ASK,
 * ARK; see certtable.h) in *auxblob (malloc'd; may be NULL if unwanted).
 */
int	 sim_issue_report(struct sim *, const uint8_t[SIM_HOSTDATA_LEN],
	    const uint8_t[SIM_REPORT_DATA_LEN], uint8_t[SIM_REPORT_LEN],
	    uint8_t **, size_t *, char *, size_t);

/* The simulated ARK certificate (DER) and its SHA-256. */
const uint8_t	*sim_ark_der(const struct sim *, size_t *);
void		 sim_ark_sha256(const struct sim *, uint8_t[32]);
/* The ASK and VCEK certificates (DER). */
const uint8_t	*sim_ask_der(const struct sim *, size_t *);
const uint8_t	*sim_vcek_der(const struct sim *, size_t *);

#endif
