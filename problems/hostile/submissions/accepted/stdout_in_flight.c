/* Accepted, then leaves its standard output open where no process holds it.
 *
 * Prints the right answer, then sends its stdout, together with both ends of a socket pair,
 * in an SCM_RIGHTS message that nobody will ever receive, closes everything and exits. The
 * message keeps the pipe's write end open in the kernel after every process of the run has
 * ended, so a judge that reads the output until end-of-file waits forever. The judge must take
 * the output once the run's processes are gone: AC, within the time limit.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void) {
    long long a, b;
    if (scanf("%lld %lld", &a, &b) != 2) return 1;
    printf("%lld\n", a + b);
    fflush(stdout);
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_DGRAM, 0, pair) != 0) return 0;
    int fds[3] = {1, pair[0], pair[1]};
    char data = 'x';
    struct iovec iov = {.iov_base = &data, .iov_len = 1};
    char control[CMSG_SPACE(sizeof fds)];
    memset(control, 0, sizeof control);
    struct msghdr message = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
    struct cmsghdr *header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(sizeof fds);
    memcpy(CMSG_DATA(header), fds, sizeof fds);
    sendmsg(pair[0], &message, 0);
    close(pair[0]);
    close(pair[1]);
    close(1);
    close(2);
    return 0;
}
