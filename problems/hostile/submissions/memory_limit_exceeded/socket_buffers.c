/* Memory limit exceeded in the kernel's buffers: data written into unix socket pairs and never
 * read stays in kernel memory, charged to the sandbox's cgroup but in no process's heap.
 *
 * Keeps 320 MiB there (the limit is 256 MiB; the heap stays under 1 MiB), then prints the right
 * answer. A program could keep its data there and read it back, so the judge must count the
 * kernel memory a run is charged for as its memory and give MLE.
 */
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void) {
    static char chunk[1 << 16];
    long long a, b;
    if (scanf("%lld %lld", &a, &b) != 2) return 1;
    long kept = 0;
    while (kept < (320L << 20)) {
        int pair[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, pair) != 0) break;
        ssize_t wrote;
        while (kept < (320L << 20) && (wrote = write(pair[0], chunk, sizeof chunk)) > 0) kept += wrote;
    }
    printf("%lld\n", a + b);
    return 0;
}
