/* Memory limit exceeded: allocates 16 MiB at a time and touches every byte,
 * forever. With a 256 MiB limit the sandbox must kill it after about 16
 * rounds and report it as a memory-limit verdict.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
    const size_t chunk = 16u << 20;
    for (unsigned long total = 0;; total += chunk) {
        char *p = malloc(chunk);
        if (p == NULL) {
            fprintf(stderr, "malloc failed after %lu MiB\n", total >> 20);
            return 1;
        }
        memset(p, 1, chunk);
    }
}
