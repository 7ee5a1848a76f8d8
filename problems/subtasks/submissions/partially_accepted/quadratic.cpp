// Every pair: fast enough for subtasks 1 and 2, too slow for subtask 3.
// @EXPECTED_SCORE@: 50
#include <cstdio>
#include <vector>

int main() {
    int n;
    if (scanf("%d", &n) != 1) return 1;
    std::vector<long long> a(n);
    for (auto &x : a) scanf("%lld", &x);
    long long pairs = 0;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (a[i] + a[j] == 0) pairs++;
    printf("%lld\n", pairs);
}
