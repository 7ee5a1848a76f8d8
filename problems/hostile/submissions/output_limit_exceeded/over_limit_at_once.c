/* Output limit exceeded in one write, then an immediate exit.
 *
 * Writes 9 MiB (the limit is 8 MiB) and exits 0 at once. The program has ended before the
 * judge has read its output, so a judge that only notices the limit while the program runs
 * misses it and compares the first 8 MiB instead: the verdict must be OLE every time.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void) {
    size_t size = 9u << 20;
    char *text = malloc(size);
    if (text == NULL) return 1;
    memset(text, '7', size);
    size_t done = 0;
    while (done < size) {
        ssize_t n = write(1, text + done, size - done);
        if (n <= 0) return 1;
        done += (size_t)n;
    }
    return 0;
}
