/* Memory limit exceeded in a child whose usage the kernel discards.
 *
 * With SIGCHLD ignored, wait4() never reports the child, so a judge that measures memory from
 * wait4()'s rusage sees only the small parent. The child touches 320 MiB (the limit is 256 MiB)
 * and holds it for half a second; the parent waits and prints the right answer. The judge must
 * measure the memory of every process of the run and give MLE.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Writes every page through a volatile pointer, so that no compiler drops the memory. */
static void touch(char *block, size_t size) {
    volatile char *pages = block;
    for (size_t at = 0; at < size; at += 4096) pages[at] = 1;
}

int main(void) {
    long long a, b;
    if (scanf("%lld %lld", &a, &b) != 2) return 1;
    signal(SIGCHLD, SIG_IGN);
    if (fork() == 0) {
        size_t size = 320u << 20;
        char *block = malloc(size);
        if (block != NULL) touch(block, size);
        usleep(500 * 1000);
        _exit(block == NULL);
    }
    while (wait(NULL) > 0) {
    }
    printf("%lld\n", a + b);
    return 0;
}
