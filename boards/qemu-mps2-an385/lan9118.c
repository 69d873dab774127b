/*
 * Polled LAN9118 driver (see lan9118.h). Written from the SMSC LAN9118 datasheet's register
 * descriptions, checked against QEMU's model of the chip.
 *
 * Register use (offsets from LAN9118_BASE, all 32-bit accesses):
 *   0x00 RX_DATA_FIFO    received frame data, 4 bytes a word, first byte in bits 7:0
 *   0x20 TX_DATA_FIFO    TX command A, TX command B, then the frame's data words
 *   0x40 RX_STATUS_FIFO  one word per frame: bits 29:16 length including the 4-byte CRC,
 *                        bit 15 error summary
 *   0x48 TX_STATUS_FIFO  one word per frame sent: bits 31:16 the tag of command B, bit 15
 *                        error summary
 *   0x50 ID_REV          bits 31:16 = 0x0118 for a LAN9118
 *   0x58 INT_STS / 0x5C INT_EN / 0x54 IRQ_CFG: all interrupts off (polled driver)
 *   0x64 BYTE_TEST       reads 0x87654321 when the bus works (and the byte order is right)
 *   0x6C RX_CFG          0: no offset before the data, 4-byte end alignment
 *   0x70 TX_CFG          bit 1 TX_ON; bit 2 TXSAO lets the TX status FIFO overrun, so an
 *                        unread status never stalls transmission (we read them anyway)
 *   0x74 HW_CFG          bit 0 SRST: soft reset, self-clearing
 *   0x7C RX_FIFO_INF     bits 23:16 RX status words waiting (= frames waiting)
 *   0x80 TX_FIFO_INF     bits 23:16 TX status words waiting, bits 15:0 free TX data bytes
 *   0x84 PMT_CTRL        bit 0 READY once the chip is out of reset
 *   0x9C FREE_RUN        25 MHz free-running counter (the insecure QEMU entropy stirs it in)
 *   0xA4 MAC_CSR_CMD     bit 31 busy, bit 30 read (1) / write (0), bits 7:0 MAC CSR index
 *   0xA8 MAC_CSR_DATA    data of the MAC CSR access
 * MAC CSRs (through MAC_CSR_CMD/DATA):
 *   1 MAC_CR   bit 3 TXEN, bit 2 RXEN, bit 20 FDPX; PRMS (bit 18, promiscuous, QEMU's reset
 *              value) is cleared so only our unicast address and broadcast come in
 *   2 ADDRH    MAC address bytes 4..5;  3 ADDRL  bytes 0..3 (little-endian)
 *   6 MII_ACC  PHY address in bits 15:11, PHY register in 10:6, bit 1 write, bit 0 busy
 *   7 MII_DATA PHY register data; PHY register 1 (basic status) bit 2 = link up
 *
 * Frames that fail (error status, impossible length, no pbuf) are drained word by word
 * rather than with RX_DP_CTRL's fast-forward: reading is always correct, and QEMU's
 * fast-forward does not release the FIFO space it skips.
 */
#include "lan9118.h"

#include <string.h>

#include "lwip/etharp.h"
#include "lwip/pbuf.h"
#include "lwip/stats.h"
#include "netif/ethernet.h"

#define REG(off) (*(volatile uint32_t *)(uintptr_t)(LAN9118_BASE + (off)))

#define RX_DATA_FIFO   0x00u
#define TX_DATA_FIFO   0x20u
#define RX_STATUS_FIFO 0x40u
#define TX_STATUS_FIFO 0x48u
#define ID_REV         0x50u
#define IRQ_CFG        0x54u
#define INT_STS        0x58u
#define INT_EN         0x5Cu
#define BYTE_TEST      0x64u
#define RX_CFG         0x6Cu
#define TX_CFG         0x70u
#define HW_CFG         0x74u
#define RX_FIFO_INF    0x7Cu
#define TX_FIFO_INF    0x80u
#define PMT_CTRL       0x84u
#define MAC_CSR_CMD    0xA4u
#define MAC_CSR_DATA   0xA8u

#define CSR_BUSY 0x80000000u
#define CSR_READ 0x40000000u

#define MAC_CR       1u
#define MAC_ADDRH    2u
#define MAC_ADDRL    3u
#define MAC_MII_ACC  6u
#define MAC_MII_DATA 7u

#define MAC_CR_FDPX 0x00100000u
#define MAC_CR_TXEN 0x00000008u
#define MAC_CR_RXEN 0x00000004u

#define TX_CFG_TX_ON 0x00000002u
#define TX_CFG_TXSAO 0x00000004u
#define HW_CFG_SRST  0x00000001u
#define PMT_READY    0x00000001u

#define TX_CMD_A_FIRST 0x00002000u
#define TX_CMD_A_LAST  0x00001000u
#define STATUS_ES      0x00008000u /* error summary, RX and TX status */

#define PHY_ADDR     1u
#define PHY_BSR      1u
#define PHY_BSR_LINK 0x0004u

#define FRAME_MAX 1518u   /* 1514 + CRC */
#define SPIN_MAX  100000u /* bounded waits: a missing or dead chip must not hang the board */

static lan9118_stats_t stats;
static uint16_t tx_tag;

static int wait_clear(uint32_t off, uint32_t mask)
{
    uint32_t n;
    for (n = 0; n < SPIN_MAX; n++) {
        if ((REG(off) & mask) == 0u) {
            return 0;
        }
    }
    return -1;
}

static uint32_t mac_read(uint32_t csr)
{
    REG(MAC_CSR_CMD) = CSR_BUSY | CSR_READ | csr;
    (void)wait_clear(MAC_CSR_CMD, CSR_BUSY);
    return REG(MAC_CSR_DATA);
}

static void mac_write(uint32_t csr, uint32_t value)
{
    REG(MAC_CSR_DATA) = value;
    REG(MAC_CSR_CMD) = CSR_BUSY | csr;
    (void)wait_clear(MAC_CSR_CMD, CSR_BUSY);
}

static uint32_t phy_read(uint32_t reg)
{
    mac_write(MAC_MII_ACC, (PHY_ADDR << 11) | (reg << 6) | 1u);
    uint32_t n;
    for (n = 0; n < SPIN_MAX && (mac_read(MAC_MII_ACC) & 1u) != 0u; n++) {
    }
    return mac_read(MAC_MII_DATA) & 0xFFFFu;
}

static void drain_tx_status(void)
{
    while (((REG(TX_FIFO_INF) >> 16) & 0xFFu) != 0u) {
        if ((REG(TX_STATUS_FIFO) & STATUS_ES) != 0u) {
            stats.tx_errors++;
            LINK_STATS_INC(link.err);
        }
    }
}

/* Write a pbuf chain into the TX data FIFO, 4 bytes per word, little-endian. */
static void fifo_write_chain(const struct pbuf *p)
{
    uint32_t word = 0;
    unsigned fill = 0;
    for (; p != NULL; p = p->next) {
        const uint8_t *b = p->payload;
        uint16_t i;
        for (i = 0; i < p->len; i++) {
            word |= (uint32_t)b[i] << (8u * fill);
            if (++fill == 4u) {
                REG(TX_DATA_FIFO) = word;
                word = 0;
                fill = 0;
            }
        }
    }
    if (fill != 0u) {
        REG(TX_DATA_FIFO) = word;
    }
}

static err_t link_output(struct netif *netif, struct pbuf *p)
{
    uint32_t len = p->tot_len;
    (void)netif;
    drain_tx_status();
    if (len > FRAME_MAX - 4u) {
        stats.tx_errors++;
        LINK_STATS_INC(link.lenerr);
        return ERR_BUF;
    }
    /* Room for the frame and its two command words, or give up (lwIP/TCP retries). */
    if ((REG(TX_FIFO_INF) & 0xFFFFu) < len + 8u) {
        stats.tx_errors++;
        LINK_STATS_INC(link.memerr);
        return ERR_MEM;
    }
    tx_tag++;
    REG(TX_DATA_FIFO) = TX_CMD_A_FIRST | TX_CMD_A_LAST | len;
    REG(TX_DATA_FIFO) = ((uint32_t)tx_tag << 16) | len;
    fifo_write_chain(p);
    stats.tx_frames++;
    LINK_STATS_INC(link.xmit);
    return ERR_OK;
}

static void drain_words(uint32_t words)
{
    while (words-- != 0u) {
        (void)REG(RX_DATA_FIFO);
    }
}

/* Read `words` FIFO words; the first `len` bytes go into the pbuf chain, the rest (the
 * CRC and the end padding) are dropped. */
static void fifo_read_chain(struct pbuf *p, uint32_t len, uint32_t words)
{
    struct pbuf *q = p;
    uint16_t off = 0;
    while (words-- != 0u) {
        uint32_t word = REG(RX_DATA_FIFO);
        unsigned k;
        for (k = 0; k < 4u && len != 0u; k++, len--) {
            while (q != NULL && off == q->len) {
                q = q->next;
                off = 0;
            }
            if (q == NULL) {
                break;
            }
            ((uint8_t *)q->payload)[off++] = (uint8_t)(word >> (8u * k));
        }
    }
}

static void receive_one(struct netif *netif)
{
    uint32_t status = REG(RX_STATUS_FIFO);
    uint32_t len = (status >> 16) & 0x3FFFu; /* includes the CRC */
    uint32_t words = (len + 3u) / 4u;
    struct pbuf *p = NULL;
    if ((status & STATUS_ES) == 0u && len >= 14u + 4u && len <= FRAME_MAX) {
        p = pbuf_alloc(PBUF_RAW, (uint16_t)(len - 4u), PBUF_POOL);
    }
    if (p == NULL) {
        drain_words(words);
        stats.rx_dropped++;
        LINK_STATS_INC(link.drop);
        return;
    }
    fifo_read_chain(p, len - 4u, words);
    LINK_STATS_INC(link.recv);
    if (netif->input(p, netif) != ERR_OK) {
        pbuf_free(p);
        stats.rx_dropped++;
        return;
    }
    stats.rx_frames++;
}

void lan9118_poll(struct netif *netif)
{
    while (((REG(RX_FIFO_INF) >> 16) & 0xFFu) != 0u) {
        receive_one(netif);
    }
    drain_tx_status();
}

static int chip_reset(void)
{
    if (REG(BYTE_TEST) != 0x87654321u || (REG(ID_REV) >> 16) != 0x0118u) {
        return -1;
    }
    REG(HW_CFG) = HW_CFG_SRST;
    if (wait_clear(HW_CFG, HW_CFG_SRST) != 0) {
        return -1;
    }
    {
        uint32_t n;
        for (n = 0; n < SPIN_MAX && (REG(PMT_CTRL) & PMT_READY) == 0u; n++) {
        }
        if ((REG(PMT_CTRL) & PMT_READY) == 0u) {
            return -1;
        }
    }
    REG(INT_EN) = 0u;
    REG(INT_STS) = 0xFFFFFFFFu;
    REG(IRQ_CFG) = 0u;
    REG(RX_CFG) = 0u;
    REG(TX_CFG) = TX_CFG_TX_ON | TX_CFG_TXSAO;
    mac_write(MAC_CR, MAC_CR_TXEN | MAC_CR_RXEN | MAC_CR_FDPX);
    return 0;
}

err_t lan9118_netif_init(struct netif *netif)
{
    uint32_t lo, hi;
    if (chip_reset() != 0) {
        return ERR_IF;
    }
    memset(&stats, 0, sizeof(stats));
    lo = mac_read(MAC_ADDRL);
    hi = mac_read(MAC_ADDRH);
    netif->hwaddr_len = ETH_HWADDR_LEN;
    netif->hwaddr[0] = (uint8_t)lo;
    netif->hwaddr[1] = (uint8_t)(lo >> 8);
    netif->hwaddr[2] = (uint8_t)(lo >> 16);
    netif->hwaddr[3] = (uint8_t)(lo >> 24);
    netif->hwaddr[4] = (uint8_t)hi;
    netif->hwaddr[5] = (uint8_t)(hi >> 8);
    netif->mtu = 1500;
    netif->name[0] = 'e';
    netif->name[1] = '0';
    netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
    netif->output = etharp_output;
    netif->linkoutput = link_output;
    if ((phy_read(PHY_BSR) & PHY_BSR_LINK) != 0u) {
        netif->flags |= NETIF_FLAG_LINK_UP;
    }
    return ERR_OK;
}

const lan9118_stats_t *lan9118_stats(void)
{
    return &stats;
}
