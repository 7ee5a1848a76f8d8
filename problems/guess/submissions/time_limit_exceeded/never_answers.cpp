// Reads n and then spins without ever guessing.
#include <iostream>

int main() {
    long n;
    std::cin >> n;
    volatile unsigned long spin = 0;
    for (;;) spin++;
}
