/* Sandbox promise: the stack is as large as the memory limit (256 MiB here),
 * so deep recursion works.
 *
 * Recurses to depth 10^6 with frames of about 128 bytes (about 128 MiB of
 * stack, far beyond the usual 8 MiB default), then checks that the stack
 * really grew that much, to be sure the compiler did not turn the recursion
 * into a loop. A stack that is too small crashes the program (SIGSEGV), a
 * run-time error. Prints SAFE, or UNEXPECTED: <why the test is void>.
 */
#include <stdint.h>
#include <stdio.h>

#define DEPTH 1000000L

static uintptr_t deepest = 0;

__attribute__((noinline)) static long descend(long depth) {
    volatile char frame[96];
    frame[0] = (char)depth;
    frame[sizeof frame - 1] = (char)(depth >> 8);
    if (depth == DEPTH) {
        deepest = (uintptr_t)&frame[0];
        return 1;
    }
    long below = descend(depth + 1);
    /* Work after the call, so it is not a tail call. */
    return below + (frame[0] != (char)depth) + (frame[sizeof frame - 1] != (char)(depth >> 8));
}

int main(void) {
    volatile char top = 0;
    long result = descend(1);
    uintptr_t used = (uintptr_t)&top - deepest;
    fprintf(stderr, "depth %ld, stack used %lu MiB\n", DEPTH, (unsigned long)(used >> 20));
    if (result != 1) {
        printf("UNEXPECTED: stack frames were corrupted (result %ld)\n", result);
    } else if (used < (uintptr_t)DEPTH * 96) {
        printf("UNEXPECTED: recursion used only %lu bytes of stack; the test did not test anything\n",
               (unsigned long)used);
    } else {
        printf("SAFE\n");
    }
    return 0;
}
