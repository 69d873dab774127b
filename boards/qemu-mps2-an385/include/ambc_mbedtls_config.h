/*
 * mbedTLS 2.28 configuration of ambc's QEMU mps2-an385 firmware (-DMBEDTLS_CONFIG_FILE).
 *
 * A minimal TLS 1.2 client: ECDHE-ECDSA key exchange on P-256 with AES-128-GCM/SHA-256,
 * X.509 chains of ECDSA P-256 certificates (what tests/mock/gen_certs.sh makes), certificate
 * verification required (port/mbedtls/tls.c sets it and the host name, and offers no way
 * round either).
 *
 * Memory: zero malloc. mbedTLS allocates only from a static arena handed to
 * mbedtls_memory_buffer_alloc_init() at start-up (main.c); MBEDTLS_MEMORY_DEBUG keeps the peak
 * so the firmware can report it. No C library allocator or stdio is reachable from here.
 *
 * Time: MBEDTLS_HAVE_TIME / MBEDTLS_HAVE_TIME_DATE are OFF because this board has no
 * wall-clock time. Certificate validity dates are therefore NOT checked on this board (an
 * expired certificate is accepted); a device with an RTC or SNTP should define both and
 * provide mbedtls_platform_gmtime_r / time().
 *
 * Entropy: no platform source; mbedtls_hardware_poll() comes from the board. On this QEMU
 * board it is entropy_insecure_qemu.c, which is NOT SECURE (see README.md).
 *
 * Reaching the real API: add the cipher suites and certificate types its chain needs
 * (typically RSA: MBEDTLS_RSA_C, MBEDTLS_PKCS1_V15, MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED,
 * MBEDTLS_MPI_MAX_SIZE 512), which costs flash and a few KB of arena.
 */
#ifndef AMBC_QEMU_MBEDTLS_CONFIG_H
#define AMBC_QEMU_MBEDTLS_CONFIG_H

#include <stddef.h>

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

/* Public key: P-256 only. */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_ECP_WINDOW_SIZE 2        /* smaller arena peak */
#define MBEDTLS_ECP_FIXED_POINT_OPTIM 0  /* no precomputed table in the arena */
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_MPI_MAX_SIZE 32          /* 256-bit numbers are all a P-256 client needs */
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_OID_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C

/* X.509: parse and verify the server's chain against CAs given in PEM. */
#define MBEDTLS_BASE64_C
#define MBEDTLS_PEM_PARSE_C
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_X509_CHECK_KEY_USAGE
#define MBEDTLS_X509_CHECK_EXTENDED_KEY_USAGE

/* TLS 1.2 client. */
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
#define MBEDTLS_SSL_CIPHERSUITES MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256

/* Record buffers: IN must hold a full 16 KB record (servers do not negotiate smaller ones);
 * OUT only carries ambc's requests. */
#define MBEDTLS_SSL_IN_CONTENT_LEN 16384
#ifndef MBEDTLS_SSL_OUT_CONTENT_LEN
#define MBEDTLS_SSL_OUT_CONTENT_LEN 2048
#endif

#define MBEDTLS_DEPRECATED_REMOVED

#include "mbedtls/check_config.h"

#endif /* AMBC_QEMU_MBEDTLS_CONFIG_H */
