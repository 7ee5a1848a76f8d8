/* Memory limit exceeded with files: /tmp and /dev/shm are memory (tmpfs).
 *
 * Writes 100 MiB into /dev/shm and 100 MiB into /tmp, then touches 100 MiB of heap (300 MiB
 * in all; the limit is 256 MiB, and no single process ever holds more than 100 MiB), and prints
 * the right answer. Failed writes are ignored. The judge must count files in the sandbox's
 * tmpfs mounts as the run's memory and give MLE.
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

static void fill(const char *path, size_t bytes) {
    static char chunk[1 << 20];
    memset(chunk, 'x', sizeof chunk);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) return;
    for (size_t done = 0; done < bytes; done += sizeof chunk) {
        if (write(fd, chunk, sizeof chunk) < 0) break;
    }
    close(fd);
}

int main(void) {
    long long a, b;
    if (scanf("%lld %lld", &a, &b) != 2) return 1;
    fill("/dev/shm/coderank-hostile", 100u << 20);
    fill("/tmp/coderank-hostile", 100u << 20);
    size_t size = 100u << 20;
    char *block = malloc(size);
    if (block != NULL) touch(block, size);
    usleep(200 * 1000);
    printf("%lld\n", a + b);
    return 0;
}
