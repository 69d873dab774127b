/* Stand-in for the sdkconfig.h ESP-IDF generates: the example's own options
 * (boards/esp-idf/examples/list_batches/main/Kconfig.projbuild), with their defaults except
 * a non-empty key. check_kits.py checks that every CONFIG_AMBC_EXAMPLE_* the example uses is
 * defined in that Kconfig. */
#define CONFIG_AMBC_EXAMPLE_API_KEY     "sk-ant-stand-in"
#define CONFIG_AMBC_EXAMPLE_SNTP_SERVER "pool.ntp.org"
