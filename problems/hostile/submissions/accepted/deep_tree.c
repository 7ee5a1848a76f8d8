/* Accepted, leaving a directory tree deeper than PATH_MAX behind.
 *
 * Makes 40 nested directories of 200-character names (8000 characters of path, twice
 * PATH_MAX) with mkdir and chdir, and a file at the bottom, then prints the right answer. A
 * judge that cleans up by full paths fails with "File name too long" and loses the sandbox;
 * the clean-up must work relative to directory descriptors, and every test must run.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void) {
    long long a, b;
    if (scanf("%lld %lld", &a, &b) != 2) return 1;
    char name[201];
    memset(name, 'd', 200);
    name[200] = '\0';
    for (int depth = 0; depth < 40; depth++) {
        if (mkdir(name, 0700) != 0 || chdir(name) != 0) break;
    }
    int fd = open("bottom", O_WRONLY | O_CREAT, 0600);
    if (fd >= 0) close(fd);
    /* A directory nobody may enter, on the way. */
    chmod(".", 0);
    printf("%lld\n", a + b);
    return 0;
}
