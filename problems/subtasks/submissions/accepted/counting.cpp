// Sort, then count equal values: zeros pair among themselves, v with -v.
#include <algorithm>
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
    for (auto [value, c] : count) {
        if (value == 0) pairs += c * (c - 1) / 2;
        else if (value > 0 && count.count(-value)) pairs += c * count[-value];
    }
    printf("%lld\n", pairs);
}
