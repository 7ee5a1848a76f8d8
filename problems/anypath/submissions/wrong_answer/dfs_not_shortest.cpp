// Wrong answer: prints the route a depth-first search finds. It always
// follows roads from 1 to n, but it is often longer than necessary (on the
// first sample it prints 1 2 4 3 5 6, five roads instead of three).
// The search is iterative, so the long chain test cannot crash it.
#include <algorithm>
#include <cstdio>
#include <vector>

int main() {
    int n, m;
    if (std::scanf("%d %d", &n, &m) != 2) return 1;
    std::vector<std::vector<int>> adjacent(n + 1);
    for (int i = 0; i < m; i++) {
        int u, v;
        if (std::scanf("%d %d", &u, &v) != 2) return 1;
        adjacent[u].push_back(v);
        adjacent[v].push_back(u);
    }
    for (auto& list : adjacent) std::sort(list.begin(), list.end());

    std::vector<char> visited(n + 1, 0);
    std::vector<int> stack{1};          // the current route from 1
    std::vector<std::size_t> next(n + 1, 0);  // next neighbour to try per junction
    visited[1] = 1;
    while (!stack.empty() && stack.back() != n) {
        int u = stack.back();
        if (next[u] < adjacent[u].size()) {
            int v = adjacent[u][next[u]++];
            if (!visited[v]) {
                visited[v] = 1;
                stack.push_back(v);
            }
        } else {
            stack.pop_back();
        }
    }
    if (stack.empty()) {
        std::printf("-1\n");
        return 0;
    }
    std::printf("%zu\n", stack.size());
    for (std::size_t i = 0; i < stack.size(); i++) std::printf("%d%c", stack[i], i + 1 == stack.size() ? '\n' : ' ');
}
