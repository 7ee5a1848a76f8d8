#include <iostream>

int main() {
    long p, a, b;
    std::cin >> p >> a >> b;
    std::cout << a << "\n";
}
