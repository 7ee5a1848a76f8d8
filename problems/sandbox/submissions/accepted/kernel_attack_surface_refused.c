/* Sandbox promise: the system calls behind most container escapes are refused.
 *
 * io_uring (a second system-call interface that seccomp cannot see into), AF_ALG sockets (the
 * kernel crypto API, CVE-2026-31431 "Copy Fail"), userfaultfd (stalls the kernel at a chosen
 * page fault, the base of many races), the kernel keyring, eBPF and perf events: none is needed
 * to solve a problem. CodeRank's seccomp profile refuses each; a call that succeeds is a LEAK.
 * Prints SAFE, or LEAK: <the calls that worked>.
 */
#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef AF_ALG
#define AF_ALG 38
#endif

static char leaks[512];

/* Records a call that worked; `result` is a descriptor to close, or -1 for none. */
static void worked(const char *name, long result) {
    strncat(leaks, " ", sizeof leaks - strlen(leaks) - 1);
    strncat(leaks, name, sizeof leaks - strlen(leaks) - 1);
    if (result >= 0) close((int)result);
}

/* A call reached the kernel when it worked or failed for any reason but seccomp's refusal
 * (EPERM, or ENOSYS for calls a profile pretends not to know). */
static void check(const char *name, long result) {
    if (result >= 0 || (errno != EPERM && errno != ENOSYS)) worked(name, result);
}

int main(void) {
    char params[120];
    memset(params, 0, sizeof params);
    check("io_uring_setup", syscall(__NR_io_uring_setup, 4, params));
    /* Only a socket counts: a kernel without AF_ALG answers EAFNOSUPPORT, which is safe. */
    long alg = socket(AF_ALG, SOCK_SEQPACKET, 0);
    if (alg >= 0) worked("socket(AF_ALG)", alg);
    check("userfaultfd", syscall(__NR_userfaultfd, 0));
    /* KEYCTL_JOIN_SESSION_KEYRING with a new anonymous keyring. */
    if (syscall(__NR_keyctl, 1, 0) >= 0) worked("keyctl", -1);
    char attr[128];
    memset(attr, 0, sizeof attr);
    /* BPF_MAP_CREATE with an empty attribute: refused by seccomp before the kernel reads it. */
    check("bpf", syscall(__NR_bpf, 0, attr, sizeof attr));
    struct perf_event_attr event;
    memset(&event, 0, sizeof event);
    event.type = PERF_TYPE_SOFTWARE;
    event.size = sizeof event;
    event.config = PERF_COUNT_SW_CPU_CLOCK;
    event.exclude_kernel = 1;
    check("perf_event_open", syscall(__NR_perf_event_open, &event, 0, -1, -1, 0));
    if (leaks[0] != '\0') {
        printf("LEAK:%s\n", leaks);
    } else {
        printf("SAFE\n");
    }
    return 0;
}
