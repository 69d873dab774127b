/* Runs boards/zephyr/tests/offline on Linux: the three functions behind the ztest stand-in
 * (kit_stubs/zephyr/ztest.h) and a main. Each case runs in order; a failed check is printed
 * and fails the run, as twister would report it. Proves the suite's own logic (its canned
 * page, its expectations) against ambc's real core and port/mbedtls, with Debian's mbedTLS
 * in place of Zephyr's. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "zephyr/ztest.h"

#define MAX_CASES 16

static struct {
    const char *suite, *name;
    void (*fn)(void);
} cases[MAX_CASES];
static int ncases;
static const char *suite_declared;
static int failures;

void ztest_host_register(const char *suite, const char *name, void (*fn)(void))
{
    if (ncases < MAX_CASES) {
        cases[ncases].suite = suite;
        cases[ncases].name = name;
        cases[ncases].fn = fn;
        ncases++;
    }
}

void ztest_host_suite(const char *suite)
{
    suite_declared = suite;
}

void ztest_host_check(bool ok, const char *what, const char *msg, const char *file, int line)
{
    if (!ok) {
        printf("  FAIL %s:%d: %s (%s)\n", file, line, what, msg);
        failures++;
    }
}

int main(void)
{
    int i;
    if (ncases == 0 || suite_declared == NULL) {
        printf("FAIL: no ZTEST_SUITE or no ZTEST case registered\n");
        return 1;
    }
    for (i = 0; i < ncases; i++) {
        int before = failures;
        if (strcmp(cases[i].suite, suite_declared) != 0) {
            printf("FAIL %s.%s: not in the declared suite %s\n", cases[i].suite, cases[i].name,
                   suite_declared);
            failures++;
            continue;
        }
        cases[i].fn();
        printf("%s %s.%s\n", failures == before ? "PASS" : "FAIL", cases[i].suite, cases[i].name);
    }
    printf("%d cases, %d failed checks\n", ncases, failures);
    return failures == 0 ? 0 : 1;
}
