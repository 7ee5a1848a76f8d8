// Wrong answer: uses pi = 3.14, a relative error of 5e-4.
#include <cstdio>

int main() {
    double r;
    if (std::scanf("%lf", &r) != 1) return 1;
    const double pi = 3.14;
    std::printf("%.10f %.10f\n", pi * r * r, 2 * pi * r);
}
