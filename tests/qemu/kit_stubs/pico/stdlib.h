/* Stand-ins for the pico-sdk declarations boards/pico-w/main.c uses (syntax check only). */
void stdio_init_all(void);
