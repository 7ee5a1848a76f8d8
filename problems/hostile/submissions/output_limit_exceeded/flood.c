/* Output limit exceeded: writes to standard output forever. */
#include <stdio.h>
#include <string.h>

int main(void) {
    static char line[4096];
    memset(line, 'y', sizeof line - 1);
    line[sizeof line - 1] = '\n';
    for (;;) fwrite(line, 1, sizeof line, stdout);
}
