/* Circle in C: %g with 17 significant digits, so small values come out as 3.1415926535897933e-06. */
#include <math.h>
#include <stdio.h>

int main(void) {
    double r;
    if (scanf("%lf", &r) != 1) return 1;
    const double pi = acos(-1.0);
    printf("%.17g %.17g\n", pi * r * r, 2 * pi * r);
    return 0;
}
