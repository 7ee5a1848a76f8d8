/* Run-time error: writes to a file in the working directory until writing
 * fails, then exits with status 1. (If the sandbox caps file size with
 * RLIMIT_FSIZE, SIGXFSZ kills it instead: still a run-time error. If the
 * working directory is a tmpfs charged to the memory limit, the judge may
 * report a memory-limit verdict, which this folder also allows.)
 */
#include <stdio.h>
#include <string.h>

int main(void) {
    static char block[1 << 16];
    memset(block, 'd', sizeof block);
    FILE *f = fopen("fill.bin", "wb");
    if (f == NULL) {
        perror("fopen");
        return 1;
    }
    unsigned long long written = 0;
    for (;;) {
        if (fwrite(block, 1, sizeof block, f) != sizeof block || fflush(f) != 0) {
            fprintf(stderr, "write failed after %llu MiB\n", written >> 20);
            return 1;
        }
        written += sizeof block;
    }
}
