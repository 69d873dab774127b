/* RAM of every struct a caller allocates, at the configuration this build was made with. */
#include <stdio.h>

#include "ambc/ambc.h"

#define ROW(t) printf("%-26s %6zu\n", #t, sizeof(t))

int main(void)
{
    printf("%-26s %6s\n", "struct (caller-allocated)", "bytes");
    ROW(ambc_client_t);
    ROW(ambc_page_parser_t);
    ROW(ambc_json_scan_t);
    ROW(ambc_http_response_t);
    ROW(ambc_api_error_parser_t);
    ROW(ambc_api_error_t);
    ROW(ambc_batch_t);
    ROW(ambc_page_t);
    ROW(ambc_json_tok_t);
    printf("client total (everything a list call needs, TLS and TCP/IP excluded): %zu bytes\n",
           sizeof(ambc_client_t));
    return 0;
}
