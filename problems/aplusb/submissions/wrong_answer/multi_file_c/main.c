#include <stdio.h>

#include "ops.h"

int main(void) {
    long long a, b;
    if (scanf("%lld %lld", &a, &b) != 2) return 1;
    printf("%lld\n", combine(a, b));
    return 0;
}
