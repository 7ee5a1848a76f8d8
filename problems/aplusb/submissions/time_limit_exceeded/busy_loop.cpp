// Time limit exceeded: reads the input, then spins forever (volatile so it is not optimised away).
#include <iostream>

int main() {
    long long a, b;
    std::cin >> a >> b;
    volatile unsigned long long n = 0;
    for (;;) n = n + 1;
}
