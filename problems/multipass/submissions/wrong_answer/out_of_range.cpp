// Prints b + 1: outside the range already in the first run.
#include <iostream>

int main() {
    long p, a, b;
    std::cin >> p >> a >> b;
    std::cout << b + 1 << "\n";
}
