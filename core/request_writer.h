/* Internal: what ambc_batches_create() needs of the request writer beyond create.h. */
#ifndef AMBC_CORE_REQUEST_WRITER_H
#define AMBC_CORE_REQUEST_WRITER_H

#include "ambc/create.h"

/* Pass bytes to the sink, counted and hashed (the body's own framing goes through here too).
 * Returns AMBC_OK or the writer's sticky error. */
ambc_status_t request_writer_put(ambc_request_writer_t *w, const char *data, size_t len);

/* Whether the source wrote anything of the request begun (its `{` is out). */
bool request_writer_touched(const ambc_request_writer_t *w);

#endif
