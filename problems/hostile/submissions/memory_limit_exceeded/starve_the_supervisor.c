/* Memory limit exceeded, trying to make the OOM killer pick the judge's supervisor.
 *
 * Fills /dev/shm with as much as it can (tmpfs pages are charged to the container's memory
 * cgroup and nothing can reclaim them without swap), then allocates heap in small steps until
 * the kernel kills it. If the OOM killer chose the supervisor instead (the biggest process
 * left once this one is killed, or one with a higher score), the judge would lose its sandbox
 * and with it the verdict. The judge must give MLE and go on with the next test.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Writes every page through a volatile pointer, so that no compiler drops the memory. */
static void touch(char *block, size_t size) {
    volatile char *pages = block;
    for (size_t at = 0; at < size; at += 4096) pages[at] = 1;
}

int main(void) {
    long long a, b;
    if (scanf("%lld %lld", &a, &b) != 2) return 1;
    static char chunk[1 << 20];
    memset(chunk, 'x', sizeof chunk);
    int fd = open("/dev/shm/coderank-fill", O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0) {
        while (write(fd, chunk, sizeof chunk) > 0) {
        }
        close(fd);
    }
    for (;;) {
        char *block = malloc(4u << 20);
        if (block == NULL) break;
        touch(block, 4u << 20);
    }
    printf("%lld\n", a + b);
    return 0;
}
