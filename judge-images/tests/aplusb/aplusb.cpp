#include <bits/stdc++.h>
using namespace std;

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    long long a, b;
    cin >> a >> b;
    vector<long long> v{a, b};
    ranges::sort(v);  // C++20 ranges
    cout << accumulate(v.begin(), v.end(), 0LL) << '\n';
}
