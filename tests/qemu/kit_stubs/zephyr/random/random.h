/* Stand-in (syntax check only). */
#include <stdint.h>
unsigned sys_rand32_get(void);
