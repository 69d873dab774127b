/* Internal: what the download (results_fetch.c) needs of the line mapper (results.c). */
#ifndef AMBC_CORE_RESULTS_INTERNAL_H
#define AMBC_CORE_RESULTS_INTERNAL_H

#include "ambc/results.h"

/* Go on as if the body's first `offset` bytes, `line - 1` whole lines, had been parsed: a
 * resumed download only hashes the lines it delivered before, and parses from the line the
 * cut was in. */
void results_parser_restart(ambc_results_parser_t *p, uint64_t offset, uint32_t line);

#endif
