/* A program outside ambc's tree, built against an installed ambc only (tests/package): list
 * every batch over TLS, as an application would, and say which configuration it was compiled
 * with. usage: consumer HOST PORT CA_FILE, with ANTHROPIC_API_KEY set. Prints "version V",
 * "config ID_MAX N CLIENT_BYTES N", one "batch ID" line per batch, then "requests N connects N".
 */
#include <ambc/ambc.h>
#include <ambc/mbedtls.h>
#include <ambc/posix.h>

#include <stdio.h>
#include <stdlib.h>

static ambc_status_t print_batch(void *ctx, const ambc_batch_t *b)
{
    (void)ctx;
    printf("batch %s\n", b->id);
    return AMBC_OK;
}

int main(int argc, char **argv)
{
    static ambc_posix_tcp_t tcp;
    static ambc_tls_t tls;
    static ambc_client_t client;
    ambc_stream_t raw;
    ambc_tls_config_t tcfg = {0};
    ambc_client_options_t opt = {0};
    ambc_list_params_t params = {0};
    ambc_client_stats_t n;
    ambc_status_t st;

    if (argc != 4 || getenv("ANTHROPIC_API_KEY") == NULL) {
        fprintf(stderr, "usage: ANTHROPIC_API_KEY=... consumer HOST PORT CA_FILE\n");
        return 2;
    }
    printf("version %s\n", AMBC_VERSION);
    printf("config ID_MAX %d CLIENT_BYTES %lu\n", CONFIG_AMBC_ID_MAX,
           (unsigned long)sizeof(ambc_client_t));

    ambc_posix_tcp_init(&tcp);
    raw = ambc_posix_tcp_stream(&tcp);
    tcfg.ca_file = argv[3];
    tcfg.clock = ambc_posix_clock();
    st = ambc_tls_init(&tls, &raw, &tcfg);
    if (st != AMBC_OK) {
        fprintf(stderr, "ambc_tls_init: %s\n", ambc_strerror(st));
        return 1;
    }
    opt.host = argv[1];
    opt.port = (uint16_t)atoi(argv[2]);
    opt.api_key = getenv("ANTHROPIC_API_KEY");
    st = ambc_client_init(&client, &opt, ambc_tls_stream(&tls), ambc_posix_clock());
    if (st == AMBC_OK) {
        params.limit = 20;
        st = ambc_batches_list_each(&client, &params, true, print_batch, NULL);
        n = ambc_client_stats(&client);
        printf("requests %lu connects %lu\n", (unsigned long)n.requests,
               (unsigned long)n.connects);
        ambc_client_close(&client);
    }
    ambc_tls_free(&tls);
    if (st != AMBC_OK) {
        fprintf(stderr, "ambc: %s\n", ambc_strerror(st));
        return 1;
    }
    return 0;
}
