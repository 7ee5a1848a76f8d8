// Binary search that never tries n itself: it ends without finding a secret equal to n.
#include <iostream>
#include <string>

int main() {
    long n;
    std::cin >> n;
    long lo = 1, hi = n - 1;
    while (lo <= hi) {
        long mid = lo + (hi - lo) / 2;
        std::cout << "? " << mid << std::endl;
        std::string reply;
        if (!(std::cin >> reply) || reply == "=") return 0;
        if (reply == "<") hi = mid - 1; else lo = mid + 1;
    }
}
