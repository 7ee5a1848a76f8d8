/* Accepted: writes 16 MiB (twice the output limit) to standard error, then
 * prints the correct answer on standard output.
 *
 * The output limit applies to standard output only; standard error is not
 * judged. The judge must not store all of it (keep a bounded prefix) and must
 * not let it turn into an output-limit or run-time verdict.
 */
#include <stdio.h>
#include <string.h>

int main(void) {
    long long a, b;
    if (scanf("%lld %lld", &a, &b) != 2) return 1;
    static char line[1024];
    memset(line, 'e', sizeof line - 1);
    line[sizeof line - 1] = '\n';
    for (int i = 0; i < 16 * 1024; i++) fwrite(line, 1, sizeof line, stderr);
    printf("%lld\n", a + b);
    return 0;
}
