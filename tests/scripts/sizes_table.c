/* sizeof of every struct a caller allocates, as data: compiled for each target by
 * tests/scripts/ram_table.py, which reads the ".ambc_sizes" section back, so the figures are
 * the target compiler's own (no program has to run on the target). Port structs are
 * included when their headers are on the include path (AMBC_SIZES_* set by the script). */
#include <stdint.h>

#include "ambc/ambc.h"
#ifdef AMBC_SIZES_POSIX
#include "ambc/posix.h"
#endif
#ifdef AMBC_SIZES_TLS
#include "ambc/mbedtls.h"
#endif
#ifdef AMBC_SIZES_LWIP
#include "ambc/lwip.h"
#endif

typedef struct {
    char name[32];
    uint32_t size;
} size_row_t;

/* clang-format off */
#define ROW(t) {#t, (uint32_t)sizeof(t)}

__attribute__((section(".ambc_sizes"), used)) const size_row_t ambc_size_rows[] = {
    ROW(ambc_client_t), ROW(ambc_client_options_t), ROW(ambc_client_stats_t),
    ROW(ambc_list_params_t), ROW(ambc_page_parser_t), ROW(ambc_page_t), ROW(ambc_batch_t),
    ROW(ambc_json_scan_t), ROW(ambc_json_event_t),
    ROW(ambc_http_response_t), ROW(ambc_http_callbacks_t), ROW(ambc_http_request_t),
    ROW(ambc_http_field_t), ROW(ambc_api_error_parser_t), ROW(ambc_api_error_t),
    ROW(ambc_retry_policy_t), ROW(ambc_stream_t), ROW(ambc_stream_ops_t), ROW(ambc_clock_t),
    ROW(ambc_results_parser_t), ROW(ambc_results_params_t), ROW(ambc_result_t),
    ROW(ambc_result_block_t), ROW(ambc_result_chunk_t),
#ifdef AMBC_SIZES_POSIX
    ROW(ambc_posix_tcp_t),
#endif
#ifdef AMBC_SIZES_TLS
    ROW(ambc_tls_t), ROW(ambc_tls_config_t),
#endif
#ifdef AMBC_SIZES_LWIP
    ROW(ambc_lwip_sock_t), ROW(ambc_lwip_raw_t),
#endif
};
/* clang-format on */
