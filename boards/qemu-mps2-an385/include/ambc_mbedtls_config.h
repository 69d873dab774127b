/*
 * mbedTLS 2.28 configuration of ambc's QEMU mps2-an385 firmware (-DMBEDTLS_CONFIG_FILE).
 *
 * A TLS 1.2 client for what api.anthropic.com may present (docs/tls.md): ECDHE-ECDSA and
 * ECDHE-RSA key exchange with AES-128/256-GCM; certificate chains of ECDSA P-256 and P-384
 * and RSA up to 4096 bits, signed with SHA-256 or SHA-384; roots given as DER (compiled into
 * flash by scripts/ca_roots.py: no PEM or base64 code); validity dates checked against SNTP
 * time or the build-time floor (wallclock.c); session tickets, so a reconnect is an
 * abbreviated handshake. Certificate verification is required: port/mbedtls/tls.c sets it and
 * the host name, and offers no way round either.
 *
 * Each addition over the first P-256-only configuration can be left out with
 * -DAMBC_FW_TLS_NO_<X> (CMake: -DAMBC_FW_TLS_VARIANT="AMBC_FW_TLS_NO_RSA;..."), only so that
 * tests/qemu/tls_costs.py can measure what each one costs in flash and arena; a product keeps
 * them all. AMBC_FW_TLS_PEM puts PEM parsing back, for the same comparison.
 *
 * Memory: zero malloc. mbedTLS allocates only from a static arena handed to
 * mbedtls_memory_buffer_alloc_init() at start-up (main.c); MBEDTLS_MEMORY_DEBUG keeps the peak
 * so the firmware can report it. No C library allocator or stdio is reachable from here.
 *
 * Entropy: no platform source; mbedtls_hardware_poll() comes from the board. On this QEMU
 * board it is entropy_insecure_qemu.c, which is NOT SECURE (see README.md).
 *
 * Record buffers: CONFIG_AMBC_TLS_IN_CONTENT_LEN / CONFIG_AMBC_TLS_OUT_CONTENT_LEN (Kconfig,
 * "TLS (mbedTLS port)").
 */
#ifndef AMBC_QEMU_MBEDTLS_CONFIG_H
#define AMBC_QEMU_MBEDTLS_CONFIG_H

#include <stddef.h>

#include "ambc/config.h" /* CONFIG_AMBC_TLS_*: Kconfig, or its defaults */

/* System support. */
#define MBEDTLS_HAVE_ASM /* Thumb-2 bignum multiply-accumulate */

/* Platform: the static arena, and diagnostics without the C library's stdio. */
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY
#define MBEDTLS_PLATFORM_NO_STD_FUNCTIONS
#define MBEDTLS_MEMORY_BUFFER_ALLOC_C
#define MBEDTLS_MEMORY_DEBUG
int board_mbedtls_print(const char *fmt, ...);
int board_mbedtls_snprintf(char *s, size_t n, const char *fmt, ...);
#define MBEDTLS_PLATFORM_PRINTF_MACRO board_mbedtls_print
#define MBEDTLS_PLATFORM_FPRINTF_MACRO(stream, ...) board_mbedtls_print(__VA_ARGS__)
#define MBEDTLS_PLATFORM_SNPRINTF_MACRO board_mbedtls_snprintf
void board_exit(int code); /* the arena's fatal checks end the program: QEMU's exit status */
#define MBEDTLS_PLATFORM_EXIT_MACRO board_exit

/* Time: certificate dates against wallclock.c's time (SNTP, else the build-time floor). */
#ifndef AMBC_FW_TLS_NO_DATES
#include <time.h>
time_t board_wall_time(time_t *t);
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_HAVE_TIME_DATE
#define MBEDTLS_PLATFORM_TIME_MACRO board_wall_time
/* newlib's gmtime_r brings its reentrancy structure, assert and stdio: wallclock.c has one. */
#define MBEDTLS_PLATFORM_GMTIME_R_ALT
#endif

/* Entropy and random numbers. */
#define MBEDTLS_ENTROPY_C
#define MBEDTLS_NO_PLATFORM_ENTROPY
#define MBEDTLS_ENTROPY_HARDWARE_ALT
#define MBEDTLS_ENTROPY_FORCE_SHA256
#define MBEDTLS_ENTROPY_MAX_SOURCES 2
#define MBEDTLS_CTR_DRBG_C

/* Symmetric crypto and hashes. */
#define MBEDTLS_AES_C
#define MBEDTLS_AES_ROM_TABLES   /* tables in flash, not 8 KB of RAM */
#define MBEDTLS_AES_FEWER_TABLES /* 6 KB less flash for a little speed */
#define MBEDTLS_GCM_C
#define MBEDTLS_CIPHER_C
#define MBEDTLS_MD_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA256_SMALLER
#ifndef AMBC_FW_TLS_NO_SHA384
#define MBEDTLS_SHA512_C /* SHA-384: P-384 and RSA CAs sign with it, and the *_SHA384 suites */
#define MBEDTLS_SHA512_SMALLER
#endif
#ifndef AMBC_FW_TLS_NO_SHA1
/* Not for any signature (mbedTLS's default profile refuses SHA-1 in a chain, and TLS 1.2
 * signatures do not offer it): GlobalSign Root CA is self-signed with SHA-1, and mbedTLS
 * cannot parse a certificate whose signature algorithm it does not know. */
#define MBEDTLS_SHA1_C
#endif

/* Public key: ECDSA and ECDHE on P-256 (and P-384); RSA up to 4096 bits. */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#ifndef AMBC_FW_TLS_NO_P384
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED /* GTS Root R4, ISRG Root X2 and their intermediates */
#endif
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_ECP_WINDOW_SIZE 2        /* smaller arena peak */
#define MBEDTLS_ECP_FIXED_POINT_OPTIM 0  /* no precomputed table in the arena */
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#ifndef AMBC_FW_TLS_NO_RSA
#define MBEDTLS_RSA_C
#define MBEDTLS_PKCS1_V15
#define MBEDTLS_MPI_MAX_SIZE 512 /* RSA-4096 roots (GTS Root R1, ISRG Root X1) */
#elif !defined(AMBC_FW_TLS_NO_P384)
#define MBEDTLS_MPI_MAX_SIZE 48
#else
#define MBEDTLS_MPI_MAX_SIZE 32
#endif
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_OID_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C

/* X.509: parse and verify the server's chain against roots given as DER. */
#ifdef AMBC_FW_TLS_PEM
#define MBEDTLS_BASE64_C
#define MBEDTLS_PEM_PARSE_C
#endif
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_X509_CHECK_KEY_USAGE
#define MBEDTLS_X509_CHECK_EXTENDED_KEY_USAGE
#ifndef AMBC_FW_TLS_EAGER_ROOTS
/* port/mbedtls parses a root only while it verifies a chain, and only the one that signs it:
 * the arena holds no root between handshakes, one at most during them, whatever the list. */
#define MBEDTLS_X509_TRUSTED_CERTIFICATE_CALLBACK
#endif


/* TLS 1.2 client. */
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#ifndef AMBC_FW_TLS_NO_RSA
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED
#endif
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
#ifndef AMBC_FW_TLS_NO_TICKETS
#define MBEDTLS_SSL_SESSION_TICKETS /* resumption: port/mbedtls keeps the session (docs/tls.md) */
#endif

/* Cipher suites, in the order offered: AES-128-GCM first (cheapest), ECDSA before RSA. */
#define SUITE_EC128 MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
#if defined(AMBC_FW_TLS_NO_AES256) || defined(AMBC_FW_TLS_NO_SHA384)
#define SUITES_EC SUITE_EC128
#define SUITES_RSA MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
#else
#define SUITES_EC SUITE_EC128, MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
#define SUITES_RSA                                                                                 \
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
#endif
#ifndef AMBC_FW_TLS_NO_RSA
#define MBEDTLS_SSL_CIPHERSUITES SUITES_EC, SUITES_RSA
#else
#define MBEDTLS_SSL_CIPHERSUITES SUITES_EC
#endif

/* Record buffers: IN must hold a full 16 KB record (servers do not negotiate smaller ones);
 * OUT only carries ambc's requests. */
#define MBEDTLS_SSL_IN_CONTENT_LEN  CONFIG_AMBC_TLS_IN_CONTENT_LEN
#define MBEDTLS_SSL_OUT_CONTENT_LEN CONFIG_AMBC_TLS_OUT_CONTENT_LEN

#define MBEDTLS_DEPRECATED_REMOVED

#include "mbedtls/check_config.h"

#endif /* AMBC_QEMU_MBEDTLS_CONFIG_H */
