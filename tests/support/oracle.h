/* Test oracles for the page parser that share no code and no reading with core/:
 *
 * - oracle_json.c  a strict RFC 8259 lexer (the grammar json.h promises: no lone surrogates,
 *                  raw bytes >= 0x80 not checked as UTF-8) and a string decoder of its own;
 * - oracle_ref.c   the reference: cJSON builds the tree, the lexer above supplies the raw
 *                  bytes of every token (cJSON cuts strings at U+0000, splits numbers over 63
 *                  characters and is lenient where RFC 8259 is not), and the list-page contract
 *                  is applied to it, RFC 3339 included, to give the records and page ambc must
 *                  produce, or where and how it must fail;
 * - oracle_gen.c   a seeded generator of hostile-but-valid pages, optionally with one targeted
 *                  defect, that also states what it meant (a third opinion on the reference);
 * - oracle_diff.c  runs ambc over one body in a given slicing and compares it with the reference.
 *
 * Test-only: these use malloc and cJSON freely. Nothing here may include core/ headers.
 */
#ifndef AMBC_TEST_ORACLE_H
#define AMBC_TEST_ORACLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ambc/batch.h"

/* ---------------------------------------------------------------- strict lexer */

enum {
    OJ_OBJ_BEGIN,
    OJ_OBJ_END,
    OJ_ARR_BEGIN,
    OJ_ARR_END,
    OJ_KEY,
    OJ_STRING,
    OJ_NUMBER,
    OJ_TRUE,
    OJ_FALSE,
    OJ_NULL,
};

typedef enum {
    OJ_OK,
    OJ_INVALID,        /* a byte no JSON text may have there */
    OJ_UNEXPECTED_END, /* the text stopped inside a value (or was empty) */
    OJ_DEPTH,          /* a container opened past max_depth */
} oj_verdict_t;

typedef struct {
    uint8_t kind;
    size_t start, end; /* raw span: [start, end), strings with their quotes */
} oj_tok_t;

typedef struct {
    oj_tok_t *tok; /* tokens up to `cut` (only when asked for) */
    size_t n, cap;
    oj_verdict_t verdict;
    size_t err_pos; /* byte where the text stopped being JSON (len for UNEXPECTED_END) */
    size_t cut;     /* end of the longest prefix that is a JSON text once closed */
    uint8_t *open;  /* kinds (OJ_OBJ_BEGIN/OJ_ARR_BEGIN) of the containers open at cut */
    size_t n_open;  /* how many */
    size_t open_cap;
    unsigned max_depth; /* deepest nesting seen (root container = 1) */
    bool keep;
} oj_lex_t;

/* Lex p[0..len). max_depth 0 means unlimited. Returns lx->verdict. Free with oj_lex_free. */
oj_verdict_t oj_lex(const uint8_t *p, size_t len, unsigned max_depth, bool keep_tokens,
                    oj_lex_t *lx);
void oj_lex_free(oj_lex_t *lx);

/* Decode the contents of a string token already lexed as valid (without its quotes).
 * Returns a malloc'd buffer with a NUL after the `*out_len` decoded bytes. */
char *oj_decode(const uint8_t *raw, size_t raw_len, size_t *out_len);

/* ---------------------------------------------------------------- RFC 3339 (own code) */

/* Parse exactly the RFC 3339 profile time.h states. Returns false when invalid. */
bool oracle_rfc3339(const char *s, size_t len, int64_t *out_us);
/* Days since 1970-01-01 of a proleptic Gregorian date, and back (used by the generator). */
int64_t oracle_days_from_civil(int64_t y, unsigned m, unsigned d);
void oracle_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);

/* ---------------------------------------------------------------- reference */

typedef enum {
    ORACLE_OK,      /* a valid page: ambc must return AMBC_OK and exactly these records */
    ORACLE_LIMIT,   /* valid but for a documented limit in its first failing unit */
    ORACLE_INVALID, /* invalid by the contract */
} oracle_verdict_t;

/* What kind of failure the reference met first (statistics and the exact-status check). */
typedef enum {
    OC_NONE,
    OC_JSON,    /* grammar, or the body stopped early */
    OC_DEPTH,   /* nesting past CONFIG_AMBC_JSON_MAX_DEPTH */
    OC_MISSING, /* a key the contract requires */
    OC_DUP,     /* a known key twice in one object */
    OC_TYPE,    /* a known key with a value of the wrong type */
    OC_SHAPE,   /* root not an object, an element of data not an object */
    OC_NUL,     /* U+0000 in a kept string */
    OC_VALUE,   /* type not message_batch, bad timestamp, count not a plain uint32 */
    OC_LIMIT,   /* a kept string, timestamp or number text past its documented size */
    OC__COUNT
} oracle_class_t;

const char *oracle_class_name(oracle_class_t c);

#define ORACLE_MAX_LIMITS 24

typedef struct {
    oracle_verdict_t verdict;
    /* Records before the first failing unit (all of them when ORACLE_OK). */
    ambc_batch_t *rec;
    size_t n_rec, cap_rec;
    ambc_page_t page; /* meaningful for ORACLE_OK */
    /* The first failing unit: a record (its index) or a page-level place. */
    int fail_record;    /* index of the record holding the failure, -1 for page level */
    size_t fail_pos;    /* byte offset of the unit (record start, or the page-level value) */
    bool fail_nonlimit; /* the unit holds a failure that is not a limit */
    struct {
        ambc_status_t st;
        const char *field; /* NULL for DEPTH */
    } lim[ORACLE_MAX_LIMITS];
    size_t n_lim;
    /* The first failure met in the unit, in document order (a record's missing keys last). */
    oracle_class_t first_class;
    ambc_status_t first_status;
    const char *first_field;
    char why[256];      /* the first failure, in words */
    size_t len;         /* body length */
    unsigned max_depth; /* deepest nesting the lexer saw (before any error) */
} oracle_ref_t;

/* Compute the reference for one body. Returns 0, or -1 when cJSON and the lexer disagree about
 * a text the lexer accepted (an oracle bug or a cJSON limit; the reason is in ref->why). */
int oracle_reference(const uint8_t *buf, size_t len, oracle_ref_t *ref);
void oracle_ref_free(oracle_ref_t *ref);

/* ---------------------------------------------------------------- running ambc */

typedef enum {
    ORACLE_SLICE_WHOLE,
    ORACLE_SLICE_BYTES,
    ORACLE_SLICE_RANDOM, /* slice sizes drawn from `seed`: 1..7, 8..64, up to 4 KB, or huge */
    ORACLE_SLICE_SPLIT2, /* two slices, the first of `seed` bytes */
} oracle_slicing_t;

typedef struct {
    ambc_status_t st;
    const char *field;
    ambc_page_t page;
    ambc_batch_t *rec;
    size_t n, cap; /* records delivered (all counted; only the first `max_keep` kept) */
    size_t max_keep;
} oracle_run_t;

void oracle_run_init(oracle_run_t *r, size_t max_keep);
void oracle_run_free(oracle_run_t *r);
/* Run ambc's list-page parser over buf in the given slicing. */
ambc_status_t oracle_run_ambc(const uint8_t *buf, size_t len, oracle_slicing_t how, uint64_t seed,
                              oracle_run_t *r);

/* Is st one of the statuses ambc_page_parser_feed/_finish document for a bad body? */
bool oracle_status_documented(ambc_status_t st);

/* Compare one run with the reference by the rules of the differential tests. Returns true
 * when they agree; otherwise writes the first difference into msg. */
bool oracle_check(const oracle_ref_t *ref, const oracle_run_t *run, char *msg, size_t cap);
/* Two runs of the same body (different slicings) must agree in everything. */
bool oracle_same_run(const oracle_run_t *a, const oracle_run_t *b, char *msg, size_t cap);
/* Field by field; false and the first difference in msg when they differ. */
bool oracle_batch_same(const ambc_batch_t *want, const ambc_batch_t *got, char *msg, size_t cap);
bool oracle_page_same(const ambc_page_t *want, const ambc_page_t *got, char *msg, size_t cap);

/* ---------------------------------------------------------------- generator */

typedef enum {
    OD_NONE,
    OD_MISSING,
    OD_DUP,
    OD_TYPE,
    OD_NUL,
    OD_VALUE,
    OD_SHAPE,
    OD_LIMIT,
    OD_JSON,
    OD__COUNT
} oracle_defect_t;

const char *oracle_defect_name(oracle_defect_t d);

typedef struct {
    uint64_t seed;
    unsigned max_records; /* records per page: 0..max_records (rarely up to 4x) */
    unsigned defect_pct;  /* chance (percent) of one targeted defect */
    int force_defect;     /* -1: by chance; else that oracle_defect_t */
    bool allow_huge;      /* unknown strings of up to ~1 MB now and then */
} oracle_gen_opts_t;

typedef struct {
    uint8_t *buf;
    size_t len, cap;
    oracle_defect_t defect;
    char what[160];       /* the defect in words */
    int unit_record;      /* the record holding the defect, -1 page level (when defect != NONE) */
    size_t n_before;      /* records that come before the failing unit */
    bool limit_only;      /* the defect is a documented limit only */
    ambc_status_t status; /* the status the contract names for the defect (0 if either of
                             INVALID/UNEXPECTED_END) */
    const char *field;    /* the key it names, or NULL */
    /* What the generator meant: the records in page order (n_before of them count when there
     * is a defect) and, for a page without defect, the page metadata. */
    ambc_batch_t *want;
    size_t n_want, cap_want;
    ambc_page_t want_page;
    bool huge; /* holds a string of 64 KB or more */
} oracle_page_t;

void oracle_gen_page(const oracle_gen_opts_t *o, oracle_page_t *out);
void oracle_page_free(oracle_page_t *pg);

#endif
