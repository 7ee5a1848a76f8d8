/* Sandbox promise: no socket whose buffers escape the memory limit.
 *
 * Data sent over loopback TCP or UDP, or from a netlink socket to itself, waits in kernel
 * buffers that cgroup v1 charges to no container: a program could keep gigabytes there, beyond
 * its memory limit, at the host's expense (for TCP and UDP up to the host-wide tcp_mem/udp_mem,
 * which every TCP connection of the host shares). A sandbox has no network to use them for, so
 * CodeRank's seccomp profile refuses AF_INET, AF_INET6 and AF_NETLINK sockets; AF_UNIX (whose
 * buffers are charged to the container, and counted as the run's memory) stays.
 * Prints SAFE, or LEAK: <the families that could be opened>.
 */
#include <linux/netlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static char leaks[256];

static void try_family(const char *name, int family, int type, int protocol) {
    int fd = socket(family, type, protocol);
    if (fd < 0) return;
    close(fd);
    strncat(leaks, " ", sizeof leaks - strlen(leaks) - 1);
    strncat(leaks, name, sizeof leaks - strlen(leaks) - 1);
}

int main(void) {
    try_family("AF_INET/stream", AF_INET, SOCK_STREAM, 0);
    try_family("AF_INET/datagram", AF_INET, SOCK_DGRAM, 0);
    try_family("AF_INET6/stream", AF_INET6, SOCK_STREAM, 0);
    try_family("AF_INET6/datagram", AF_INET6, SOCK_DGRAM, 0);
    try_family("AF_NETLINK/usersock", AF_NETLINK, SOCK_RAW, NETLINK_USERSOCK);
    try_family("AF_NETLINK/route", AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, pair) != 0) {
        printf("UNEXPECTED: AF_UNIX socket pairs are refused\n");
        return 0;
    }
    if (leaks[0] != '\0') {
        printf("LEAK:%s\n", leaks);
    } else {
        printf("SAFE\n");
    }
    return 0;
}
