/* Stand-ins for the Zephyr socket declarations boards/zephyr/src/main.c uses (syntax check only). */
#include <stddef.h>
#include <sys/types.h>
#define AF_INET 1
#define SOCK_STREAM 1
#define IPPROTO_TCP 6
#define ZSOCK_POLLIN 1
#define ZSOCK_POLLOUT 4
#define ZSOCK_MSG_DONTWAIT 0x40
struct sockaddr; typedef unsigned socklen_t;
struct zsock_addrinfo { int ai_family, ai_socktype; struct sockaddr *ai_addr; socklen_t ai_addrlen; };
struct zsock_pollfd { int fd; short events, revents; };
int zsock_poll(struct zsock_pollfd *f, int n, int t); int zsock_close(int);
int zsock_getaddrinfo(const char*, const char*, const struct zsock_addrinfo*, struct zsock_addrinfo**);
void zsock_freeaddrinfo(struct zsock_addrinfo*); int zsock_socket(int,int,int);
int zsock_connect(int, const struct sockaddr*, socklen_t);
ssize_t zsock_send(int, const void*, size_t, int); ssize_t zsock_recv(int, void*, size_t, int);
