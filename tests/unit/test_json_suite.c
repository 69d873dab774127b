/* JSONTestSuite (nst/JSONTestSuite, test_parsing/) against the streaming scanner alone:
 * every y_ text accepted and every n_ text rejected, fed whole and one byte at a time; every
 * i_ text gets a verdict (the same both ways) without a crash or a hang (the _san build runs it
 * under ASan+UBSan). The same files also check the oracle's own strict lexer (which the
 * differential tests trust) and show where cJSON, the other half of the reference, is lenient.
 *
 * Exits 77 (skipped) when the suite is not there. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "ambc/json.h"
#include "oracle.h"

#ifndef AMBC_JSON_SUITE_DIR
#define AMBC_JSON_SUITE_DIR "../shared/data/JSONTestSuite/test_parsing"
#endif

typedef struct {
    char name[256];
    uint8_t *p;
    size_t len;
} case_t;

static case_t *cases;
static size_t n_cases;

static int by_name(const void *a, const void *b)
{
    return strcmp(((const case_t *)a)->name, ((const case_t *)b)->name);
}

static bool load(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t cap = 0;
    if (d == NULL) {
        return false;
    }
    while ((e = readdir(d)) != NULL) {
        char path[1024];
        FILE *f;
        long l;
        case_t *c;
        if (strstr(e->d_name, ".json") == NULL || strchr("yni", e->d_name[0]) == NULL ||
            e->d_name[1] != '_') {
            continue;
        }
        if (n_cases == cap) {
            cap = cap ? cap * 2 : 512;
            cases = realloc(cases, cap * sizeof(*cases));
        }
        c = &cases[n_cases];
        snprintf(c->name, sizeof(c->name), "%s", e->d_name);
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        f = fopen(path, "rb");
        if (f == NULL) {
            continue;
        }
        fseek(f, 0, SEEK_END);
        l = ftell(f);
        fseek(f, 0, SEEK_SET);
        c->p = malloc((size_t)l + 1);
        c->len = fread(c->p, 1, (size_t)l, f);
        fclose(f);
        n_cases++;
    }
    closedir(d);
    qsort(cases, n_cases, sizeof(*cases), by_name);
    return n_cases > 0;
}

static ambc_status_t scan(const case_t *c, bool bytewise)
{
    ambc_json_scan_t s;
    ambc_status_t st = AMBC_OK;
    size_t i;
    ambc_json_scan_init(&s, NULL, NULL);
    if (bytewise) {
        for (i = 0; i < c->len && st == AMBC_OK; i++) {
            st = ambc_json_scan_feed(&s, (const char *)c->p + i, 1);
        }
    } else {
        st = ambc_json_scan_feed(&s, (const char *)c->p, c->len);
    }
    return st == AMBC_OK ? ambc_json_scan_finish(&s) : st;
}

static bool cjson_accepts(const case_t *c)
{
    const char *end = NULL;
    cJSON *t = cJSON_ParseWithLengthOpts((const char *)c->p, c->len, &end, 0);
    bool ok = t != NULL;
    if (ok) { /* and nothing but whitespace (to cJSON) after the value */
        while (end < (const char *)c->p + c->len && (unsigned char)*end <= 32) {
            end++;
        }
        ok = end == (const char *)c->p + c->len;
    }
    cJSON_Delete(t);
    return ok;
}

static const char *short_status(ambc_status_t st)
{
    switch (st) {
    case AMBC_OK:
        return "accepted";
    case AMBC_ERR_JSON_INVALID:
        return "rejected (INVALID)";
    case AMBC_ERR_JSON_UNEXPECTED_END:
        return "rejected (UNEXPECTED_END)";
    case AMBC_ERR_JSON_DEPTH:
        return "rejected (DEPTH)";
    default:
        return ambc_strerror(st);
    }
}

/* y_ accepted, n_ rejected, whole and byte by byte; i_ decided the same way both ways. */
static void test_scanner(void **state)
{
    size_t k, n[3] = {0, 0, 0}, bad = 0, i_acc = 0;
    (void)state;
    for (k = 0; k < n_cases; k++) {
        const case_t *c = &cases[k];
        ambc_status_t whole = scan(c, false), bytes = scan(c, true);
        int cls = c->name[0] == 'y' ? 0 : c->name[0] == 'n' ? 1 : 2;
        n[cls]++;
        if (whole != bytes) {
            print_message("FAIL %s: whole %s, byte by byte %s\n", c->name, short_status(whole),
                          short_status(bytes));
            bad++;
        } else if ((cls == 0 && whole != AMBC_OK) || (cls == 1 && whole == AMBC_OK)) {
            print_message("FAIL %s: %s\n", c->name, short_status(whole));
            bad++;
        } else if (cls == 1 && whole != AMBC_ERR_JSON_INVALID &&
                   whole != AMBC_ERR_JSON_UNEXPECTED_END && whole != AMBC_ERR_JSON_DEPTH) {
            print_message("FAIL %s: rejected with %s\n", c->name, ambc_strerror(whole));
            bad++;
        }
        if (cls == 2) {
            i_acc += whole == AMBC_OK;
            print_message("  %-48s %s\n", c->name, short_status(whole));
        }
    }
    print_message("scanner: y_ %zu (all must be accepted), n_ %zu (all rejected), i_ %zu "
                  "(%zu accepted, %zu rejected); %zu failures\n",
                  n[0], n[1], n[2], i_acc, n[2] - i_acc, bad);
    assert_int_equal(bad, 0);
    assert_true(n[0] > 0 && n[1] > 0);
}

/* The oracle's lexer must itself pass the suite, or the differential tests prove nothing. */
static void test_oracle_lexer(void **state)
{
    size_t k, bad = 0, cj_n = 0, cj_y = 0, agree_i = 0, n_i = 0;
    (void)state;
    for (k = 0; k < n_cases; k++) {
        const case_t *c = &cases[k];
        oj_lex_t lx;
        bool ok = oj_lex(c->p, c->len, CONFIG_AMBC_JSON_MAX_DEPTH, false, &lx) == OJ_OK;
        bool cj = cjson_accepts(c);
        oj_lex_free(&lx);
        if ((c->name[0] == 'y' && !ok) || (c->name[0] == 'n' && ok)) {
            print_message("FAIL oracle lexer on %s: %s\n", c->name, ok ? "accepted" : "rejected");
            bad++;
        }
        if (c->name[0] == 'n' && cj) {
            print_message("  cJSON accepts %s\n", c->name);
            cj_n++;
        }
        if (c->name[0] == 'y' && !cj) {
            print_message("  cJSON rejects %s\n", c->name);
            cj_y++;
        }
        if (c->name[0] == 'i') {
            n_i++;
            agree_i += ok == (scan(c, false) == AMBC_OK);
            if (ok != (scan(c, false) == AMBC_OK)) {
                print_message("  i_ verdicts differ, oracle %s / ambc: %s\n",
                              ok ? "accepts" : "rejects", c->name);
            }
        }
    }
    print_message("oracle lexer: %zu failures; i_ same verdict as the scanner %zu/%zu; cJSON "
                  "accepts %zu n_ files and rejects %zu y_ files\n",
                  bad, agree_i, n_i, cj_n, cj_y);
    assert_int_equal(bad, 0);
    assert_int_equal(agree_i, n_i); /* the reference must read documented choices alike */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scanner),
        cmocka_unit_test(test_oracle_lexer),
    };
    int rc;
    size_t k;
    if (!load(AMBC_JSON_SUITE_DIR)) {
        printf("SKIP: JSONTestSuite not found at %s (expected beside the repository as "
               "../shared/data/JSONTestSuite/test_parsing)\n",
               AMBC_JSON_SUITE_DIR);
        return 77;
    }
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    for (k = 0; k < n_cases; k++) {
        free(cases[k].p);
    }
    free(cases);
    return rc;
}
