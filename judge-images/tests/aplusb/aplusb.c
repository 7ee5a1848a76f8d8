#include <stdio.h>
#include <math.h>

int main(void) {
    long long a, b;
    if (scanf("%lld %lld", &a, &b) != 2) return 1;
    (void)sqrt((double)a); /* links against libm */
    printf("%lld\n", a + b);
    return 0;
}
