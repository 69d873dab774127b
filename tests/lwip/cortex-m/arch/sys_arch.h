/* lwIP's OS types for the NO_SYS=0 size build of port/lwip/sockets.c (cross_size.sh): opaque
 * handles, as an RTOS port (FreeRTOS, Zephyr) would give. Compile-only. */
#ifndef AMBC_CORTEX_M_ARCH_SYS_ARCH_H
#define AMBC_CORTEX_M_ARCH_SYS_ARCH_H

typedef void *sys_sem_t;
typedef void *sys_mutex_t;
typedef void *sys_mbox_t;
typedef void *sys_thread_t;

#define SYS_MBOX_NULL ((sys_mbox_t)0)
#define SYS_SEM_NULL  ((sys_sem_t)0)

#endif /* AMBC_CORTEX_M_ARCH_SYS_ARCH_H */
