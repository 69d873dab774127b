/* A measuring stream decorator (meter.h). */
#include "meter.h"

#include <string.h>

#include "board.h"

/* TLS record framing of received bytes: a 5-byte header (type, version, length), then the
 * body. A record is counted when its header is complete. */
static void follow_records(meter_t *m, const uint8_t *p, size_t n)
{
    while (n > 0u) {
        if (m->rec_left > 0u) {
            size_t step = n < m->rec_left ? n : m->rec_left;
            m->rec_left -= (uint32_t)step;
            p += step;
            n -= step;
            continue;
        }
        m->hdr[m->hdr_pos++] = *p++;
        n--;
        if (m->hdr_pos == 5u) {
            m->n.records++;
            m->n.app_records += m->hdr[0] == 23u;
            m->rec_left = ((uint32_t)m->hdr[3] << 8) | m->hdr[4];
            m->hdr_pos = 0u;
        }
    }
}

static ambc_status_t m_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms)
{
    meter_t *m = ctx;
    uint64_t t0;
    ambc_status_t st;
    if (m->on_connect != NULL) {
        m->on_connect(m->on_connect_ctx, AMBC_ERR_BUSY);
    }
    t0 = board_us();
    st = m->inner.ops->connect(m->inner.ctx, host, port, timeout_ms);
    m->n.connect_us += board_us() - t0;
    m->n.connects++;
    m->hdr_pos = 0u;
    m->rec_left = 0u;
    if (m->on_connect != NULL) {
        m->on_connect(m->on_connect_ctx, st);
    }
    return st;
}

static ambc_status_t m_send(void *ctx, const uint8_t *data, size_t len, size_t *sent,
                            uint32_t timeout_ms)
{
    meter_t *m = ctx;
    uint64_t t0 = board_us();
    ambc_status_t st = m->inner.ops->send(m->inner.ctx, data, len, sent, timeout_ms);
    m->n.send_us += board_us() - t0;
    if (st == AMBC_OK) {
        m->n.sent += *sent;
    }
    return st;
}

static ambc_status_t m_recv(void *ctx, uint8_t *buf, size_t cap, size_t *received,
                            uint32_t timeout_ms)
{
    meter_t *m = ctx;
    uint64_t t0 = board_us();
    ambc_status_t st = m->inner.ops->recv(m->inner.ctx, buf, cap, received, timeout_ms);
    m->n.recv_us += board_us() - t0;
    if (st == AMBC_OK) {
        m->n.received += *received;
        follow_records(m, buf, *received);
    }
    return st;
}

static void m_close(void *ctx)
{
    meter_t *m = ctx;
    uint64_t t0 = board_us();
    m->inner.ops->close(m->inner.ctx);
    m->n.close_us += board_us() - t0;
}

static const ambc_stream_ops_t meter_ops = {m_connect, m_send, m_recv, m_close};

ambc_stream_t meter_wrap(meter_t *m, ambc_stream_t inner)
{
    ambc_stream_t s;
    memset(m, 0, sizeof(*m));
    m->inner = inner;
    s.ops = &meter_ops;
    s.ctx = m;
    return s;
}

uint64_t meter_total_us(const meter_counts_t *n)
{
    return n->connect_us + n->send_us + n->recv_us + n->close_us;
}
