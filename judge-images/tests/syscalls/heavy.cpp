// Syscall measurement: a "heavier" C++ program (judge-images/tests/measure-syscalls.sh).
// std::thread, std::async, random_device (getrandom), chrono, big vectors; prints A+B.
#include <bits/stdc++.h>
using namespace std;

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    long long a, b;
    cin >> a >> b;
    auto t0 = chrono::steady_clock::now();
    mt19937_64 rng(random_device{}());
    vector<int> v(2'000'000);
    for (auto &x : v) x = rng() % 1000;
    sort(v.begin(), v.end());
    const int T = 4;
    vector<long long> part(T);
    vector<thread> th;
    for (int t = 0; t < T; t++)
        th.emplace_back([&, t] { for (size_t i = t; i < v.size(); i += T) part[t] += v[i]; });
    for (auto &x : th) x.join();
    auto fut = async(launch::async, [&] { return accumulate(v.begin(), v.end(), 0LL); });
    long long s = accumulate(part.begin(), part.end(), 0LL);
    unordered_map<int, int> cnt;
    for (int x : v) cnt[x]++;
    if (fut.get() != s || (int)cnt.size() > 1000 || chrono::steady_clock::now() < t0) return 2;
    cout << a + b << '\n';
}
