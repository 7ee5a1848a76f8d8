// Run-time error: writes through a null pointer (SIGSEGV).
#include <iostream>

int main() {
    long long a, b;
    std::cin >> a >> b;
    long long* volatile result = nullptr;
    *result = a + b;
    std::cout << *result << '\n';
}
