// Memory limit exceeded: keeps 16 MiB vectors filled with data, forever.
#include <vector>

int main() {
    std::vector<std::vector<char>> chunks;
    for (;;) chunks.emplace_back(16u << 20, 1);
}
