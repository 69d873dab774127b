/* Stand-in for the part of Zephyr's ztest that boards/zephyr/tests/offline uses: the macros
 * with ztest's names and arguments, over three functions that kit_ztest_host.c implements so
 * the suite can also run on Linux (ctest kits.zephyr_ztest_host). Not Zephyr's ztest. */
#ifndef AMBC_KIT_STUB_ZTEST_H
#define AMBC_KIT_STUB_ZTEST_H
#include <stdbool.h>

void ztest_host_register(const char *suite, const char *name, void (*fn)(void));
void ztest_host_check(bool ok, const char *what, const char *msg, const char *file, int line);
void ztest_host_suite(const char *suite);

#define ZTEST(suite, fn)                                                                           \
    static void suite##_##fn(void);                                                                \
    __attribute__((constructor)) static void suite##_##fn##_register(void)                         \
    {                                                                                              \
        ztest_host_register(#suite, #fn, suite##_##fn);                                            \
    }                                                                                              \
    static void suite##_##fn(void)
#define ZTEST_SUITE(suite, predicate, setup, before, after, teardown)                              \
    __attribute__((constructor)) static void suite##_suite_register(void)                          \
    {                                                                                              \
        ztest_host_suite(#suite);                                                                  \
    }                                                                                              \
    extern int ztest_host_suite_##suite /* takes the caller's ';' */
/* The message arguments are kept as text (printed when a check fails). */
#define zassert_true(cond, ...) ztest_host_check((cond), #cond, #__VA_ARGS__, __FILE__, __LINE__)
#define zassert_false(cond, ...)                                                                   \
    ztest_host_check(!(cond), "!(" #cond ")", #__VA_ARGS__, __FILE__, __LINE__)
#define zassert_equal(a, b, ...)                                                                   \
    ztest_host_check((a) == (b), #a " == " #b, #__VA_ARGS__, __FILE__, __LINE__)
#endif
