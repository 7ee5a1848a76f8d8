/* Compile error: assigns a struct to an int. */
#include <stdio.h>

struct pair { long long a, b; };

int main(void) {
    struct pair p = {0, 0};
    int x = p;
    printf("%d\n", x);
    return 0;
}
