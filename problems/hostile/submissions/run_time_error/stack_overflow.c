/* Run-time error: unbounded recursion overflows even a 256 MiB stack
 * (SIGSEGV). Depending on the sandbox it may hit the memory limit first,
 * which this folder also allows.
 */
#include <stdio.h>

__attribute__((noinline)) static long dive(long depth) {
    volatile char frame[256];
    frame[0] = (char)depth;
    return dive(depth + 1) + frame[0];
}

int main(void) {
    printf("%ld\n", dive(0));
    return 0;
}
