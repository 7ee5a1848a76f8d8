// Makes one guess and then dereferences a null pointer (SIGSEGV) before reading the reply.
#include <iostream>

int main() {
    long n;
    std::cin >> n;
    std::cout << "? 1" << std::endl;
    volatile int *nothing = nullptr;
    return *nothing;
}
