/* Helpers over the port contract (include/ambc/port.h). */
#include "ambc/port.h"

ambc_status_t ambc_stream_send_all(const ambc_stream_t *s, const ambc_clock_t *clock,
                                   const uint8_t *data, size_t len, uint32_t timeout_ms)
{
    uint64_t start;
    if ((s == NULL) || (s->ops == NULL) || (clock == NULL) || ((data == NULL) && (len > 0u))) {
        return AMBC_ERR_INVALID_ARG;
    }
    start = clock->now_ms(clock->ctx);
    while (len > 0u) {
        uint64_t spent = clock->now_ms(clock->ctx) - start;
        size_t sent = 0;
        ambc_status_t st;
        if (spent >= timeout_ms) {
            return AMBC_ERR_NET_TIMEOUT;
        }
        st = s->ops->send(s->ctx, data, len, &sent, (uint32_t)(timeout_ms - spent));
        if (st != AMBC_OK) {
            return st;
        }
        if (sent == 0 || sent > len) {
            return AMBC_ERR_NET_IO; /* a port broke its contract: never spin on it */
        }
        data += sent;
        len -= sent;
    }
    return AMBC_OK;
}
