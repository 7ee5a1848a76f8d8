// Output limit exceeded: prints the right answer, then writes to stdout forever.
#include <iostream>
#include <string>

int main() {
    long long a, b;
    std::cin >> a >> b;
    std::cout << a + b << '\n';
    std::string block(65535, 'y');
    block += '\n';
    for (;;) std::cout << block;
}
