/* Syscall measurement: a "heavier" C program (judge-images/tests/measure-syscalls.sh).
 * Reads A B, sorts a big malloc'd array, sums it in 4 pthreads, prints A+B. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define N 2000000
#define T 4
static int *v;
static long long part[T];

static int cmp(const void *a, const void *b) { return (*(const int *)a > *(const int *)b) - (*(const int *)a < *(const int *)b); }

static void *sum(void *arg) {
    long t = (long)arg;
    long long s = 0;
    for (long i = t; i < N; i += T) s += v[i];
    part[t] = s;
    return NULL;
}

int main(void) {
    long long a, b;
    if (scanf("%lld %lld", &a, &b) != 2) return 1;
    v = malloc(sizeof *v * N);
    srand((unsigned)time(NULL));
    for (long i = 0; i < N; i++) v[i] = (int)(i % 1000);
    qsort(v, N, sizeof *v, cmp);
    pthread_t th[T];
    for (long t = 0; t < T; t++) pthread_create(&th[t], NULL, sum, (void *)t);
    long long s = 0;
    for (long t = 0; t < T; t++) { pthread_join(th[t], NULL); s += part[t]; }
    char *big = calloc(64 << 20, 1); /* mmap'd, touched */
    memset(big, 1, 64 << 20);
    if (s != 999000000LL || big[12345] != 1 || v[N - 1] != 999) return 2;
    free(big);
    printf("%lld\n", a + b);
    return 0;
}
