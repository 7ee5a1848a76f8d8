/* Time limit exceeded: spins forever without printing anything. */
#include <stdio.h>

int main(void) {
    volatile unsigned long counter = 0;
    for (;;) counter++;
    return 0;
}
