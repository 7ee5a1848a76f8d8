// Any Shortest Path in C++: BFS from junction 1 that visits smaller
// neighbours first, then walks the parent links back from n.
#include <algorithm>
#include <cstdio>
#include <queue>
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

    std::vector<int> parent(n + 1, 0);
    parent[1] = -1;
    std::queue<int> queue;
    queue.push(1);
    while (!queue.empty()) {
        int u = queue.front();
        queue.pop();
        for (int v : adjacent[u]) {
            if (parent[v] == 0) {
                parent[v] = u;
                queue.push(v);
            }
        }
    }
    if (parent[n] == 0) {
        std::printf("-1\n");
        return 0;
    }
    std::vector<int> path;
    for (int v = n; v != -1; v = parent[v]) path.push_back(v);
    std::reverse(path.begin(), path.end());
    std::printf("%zu\n", path.size());
    for (std::size_t i = 0; i < path.size(); i++) std::printf("%d%c", path[i], i + 1 == path.size() ? '\n' : ' ');
}
