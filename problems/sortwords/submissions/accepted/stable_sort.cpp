// Sort the Words in C++: a stable sort with a case-insensitive comparison,
// printing every word as it was given.
#include <algorithm>
#include <cctype>
#include <iostream>
#include <string>
#include <vector>

static bool less_ignoring_case(const std::string& a, const std::string& b) {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) < std::tolower(static_cast<unsigned char>(y));
    });
}

int main() {
    std::ios::sync_with_stdio(false);
    std::cin.tie(nullptr);
    int n;
    std::cin >> n;
    std::vector<std::string> words(n);
    for (auto& word : words) std::cin >> word;
    std::stable_sort(words.begin(), words.end(), less_ignoring_case);
    for (const auto& word : words) std::cout << word << '\n';
}
