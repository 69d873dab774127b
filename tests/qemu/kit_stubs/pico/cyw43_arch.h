/* Stand-ins for the pico-sdk declarations boards/pico-w/main.c uses (syntax check only). */
#define CYW43_AUTH_WPA2_AES_PSK 1
int cyw43_arch_init(void);
void cyw43_arch_enable_sta_mode(void);
int cyw43_arch_wifi_connect_timeout_ms(const char *ssid, const char *pw, int auth, int ms);
void cyw43_arch_poll(void);
void cyw43_arch_deinit(void);
