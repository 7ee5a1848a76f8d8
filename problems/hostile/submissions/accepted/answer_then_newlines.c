/* Accepted: the right answer, then almost 8 MiB of newlines (the output limit is 8 MiB).
 *
 * Whitespace after the answer does not change it, so the verdict is AC. A judge whose
 * container logs its output (Docker's json-file driver writes one JSON record per line) would
 * write gigabytes to the host's disk and take seconds per test; nothing of the run may reach
 * the host's disk.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void) {
    long long a, b;
    if (scanf("%lld %lld", &a, &b) != 2) return 1;
    printf("%lld\n", a + b);
    fflush(stdout);
    static char newlines[1 << 20];
    memset(newlines, '\n', sizeof newlines);
    for (int i = 0; i < 7; i++) {
        if (write(1, newlines, sizeof newlines) < 0) return 1;
    }
    if (write(1, newlines, (1 << 20) - 4096) < 0) return 1;
    return 0;
}
