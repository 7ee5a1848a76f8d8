/* Wrong answer: sums in a 32-bit integer, which wraps around on the large tests. */
#include <stdint.h>
#include <stdio.h>

int main(void) {
    int n;
    if (scanf("%d", &n) != 1) return 1;
    uint32_t sum = 0; /* unsigned, so the wrap-around is well defined */
    for (int i = 0; i < n; i++) {
        int x;
        if (scanf("%d", &x) != 1) return 1;
        sum += (uint32_t)x;
    }
    printf("%d\n", (int32_t)sum);
    return 0;
}
