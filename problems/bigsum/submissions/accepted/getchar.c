/* Big Sum in C: a hand-written integer reader on top of getchar_unlocked. */
#include <stdio.h>

static long long read_int(void) {
    int c = getchar_unlocked();
    while (c == ' ' || c == '\n' || c == '\r' || c == '\t') c = getchar_unlocked();
    int negative = 0;
    if (c == '-') {
        negative = 1;
        c = getchar_unlocked();
    }
    long long value = 0;
    while (c >= '0' && c <= '9') {
        value = value * 10 + (c - '0');
        c = getchar_unlocked();
    }
    return negative ? -value : value;
}

int main(void) {
    long long n = read_int();
    long long sum = 0;
    for (long long i = 0; i < n; i++) sum += read_int();
    printf("%lld\n", sum);
    return 0;
}
