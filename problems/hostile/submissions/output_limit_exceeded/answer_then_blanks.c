/* Output limit exceeded: prints the correct answer, then 16 MiB of blank
 * lines (twice the 8 MiB output limit), and exits 0. The default validator
 * ignores whitespace, so a judge that only compared tokens, or truncated the
 * output at the limit and compared the rest, would accept it: the size check
 * must come first.
 */
#include <stdio.h>
#include <string.h>

int main(void) {
    long long a, b;
    if (scanf("%lld %lld", &a, &b) != 2) return 1;
    printf("%lld\n", a + b);
    static char blanks[1 << 16];
    memset(blanks, '\n', sizeof blanks);
    for (int i = 0; i < 256; i++) fwrite(blanks, 1, sizeof blanks, stdout);
    return 0;
}
