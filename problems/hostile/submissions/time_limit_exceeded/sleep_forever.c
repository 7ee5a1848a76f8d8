/* Time limit exceeded: reads the input, then sleeps forever. It uses no CPU,
 * so only a wall-clock limit stops it.
 */
#include <stdio.h>
#include <unistd.h>

int main(void) {
    long long a, b;
    if (scanf("%lld %lld", &a, &b) != 2) return 1;
    for (;;) pause();
}
