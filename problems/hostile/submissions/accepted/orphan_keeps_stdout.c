/* Accepted, but leaves a silent child behind that still holds standard output
 * and standard error open.
 *
 * The child sleeps forever without writing anything; the program prints the
 * correct answer and exits 0 at once. A judge that waits for end-of-file on
 * the program's output pipe instead of for the program's exit would wait
 * until the time limit and wrongly report a time-limit verdict. The judge
 * must take the output when the program exits and kill what is left.
 */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

int main(void) {
    long long a, b;
    if (scanf("%lld %lld", &a, &b) != 2) return 1;
    fflush(stdout);
    if (fork() == 0) {
        signal(SIGHUP, SIG_IGN);
        signal(SIGTERM, SIG_IGN);
        for (;;) pause();
    }
    printf("%lld\n", a + b);
    return 0;
}
