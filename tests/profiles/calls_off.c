/* Built against the minimal-list core by build.profile_link_errors only (never by `all`):
 * every call here belongs to an operation that profile turns off, so each must be an
 * undefined reference at link time, not a silent no-op. */
#include "ambc/ambc.h"

int main(void)
{
    static ambc_client_t c;
    static ambc_batch_t b;
    static ambc_batch_deleted_t d;
    static ambc_results_parser_t r;
    ambc_create_params_t p = {0};
    ambc_results_params_t rp = {0};
    int bad = 0;
    bad += ambc_batches_create(&c, &p, &b) != AMBC_OK;
    bad += ambc_batches_retrieve(&c, "x", &b) != AMBC_OK;
    bad += ambc_batches_cancel(&c, "x", &b) != AMBC_OK;
    bad += ambc_batches_delete(&c, "x", &d) != AMBC_OK;
    bad += ambc_batches_wait(&c, "x", NULL, &b) != AMBC_OK;
    bad += ambc_rfc3339_format(0, NULL, 0) != AMBC_OK;
    bad += ambc_batches_results(&c, "x", &rp) != AMBC_OK;
    ambc_results_parser_init(&r, NULL);
    bad += ambc_results_parser_feed(&r, NULL, 0) != AMBC_OK;
    bad += ambc_results_parser_finish(&r) != AMBC_OK;
    bad += ambc_results_parser_error_line(&r) != 0;
    bad += ambc_results_parser_error_field(&r) != NULL;
    bad += ambc_result_type_name(AMBC_RESULT_SUCCEEDED) == NULL;
    return bad;
}
