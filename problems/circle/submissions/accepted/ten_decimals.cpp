// Circle in C++: fixed notation with 10 decimals.
#include <cmath>
#include <cstdio>

int main() {
    double r;
    if (std::scanf("%lf", &r) != 1) return 1;
    const double pi = std::acos(-1.0);
    std::printf("%.10f %.10f\n", pi * r * r, 2 * pi * r);
}
