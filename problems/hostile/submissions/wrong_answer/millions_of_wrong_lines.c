/* Wrong answer, as 3.5 million short lines (7 MiB, under the 8 MiB output limit).
 *
 * On the sample test the judge shows a line diff of the expected and the actual output. A
 * diff that is quadratic in the number of lines, run on the judge's async runtime, would take
 * minutes and stall every other judging; the diff must be bounded and run off the runtime, so
 * that the verdict, WA, comes within a second.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void) {
    static char lines[1 << 20];
    for (size_t i = 0; i < sizeof lines; i += 2) {
        lines[i] = '0' + (i / 2) % 10;
        lines[i + 1] = '\n';
    }
    for (int i = 0; i < 7; i++) {
        if (write(1, lines, sizeof lines) < 0) return 1;
    }
    return 0;
}
