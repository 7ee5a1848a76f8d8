// Wrong answer (the checker reports a presentation error, exit status 2,
// which the judge counts as a wrong answer): prints one word too few.
#include <algorithm>
#include <cctype>
#include <iostream>
#include <string>
#include <vector>

int main() {
    int n;
    std::cin >> n;
    std::vector<std::string> words(n);
    for (auto& word : words) std::cin >> word;
    std::stable_sort(words.begin(), words.end(), [](const std::string& a, const std::string& b) {
        return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
            return std::tolower(static_cast<unsigned char>(x)) < std::tolower(static_cast<unsigned char>(y));
        });
    });
    for (int i = 0; i + 1 < n; i++) std::cout << words[i] << '\n';
}
