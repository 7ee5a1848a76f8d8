/* Memory limit exceeded by inodes: a million empty files.
 *
 * Empty files cost no data, but each is an inode of the tmpfs, kept in memory, and a judge
 * that removes them one path at a time between tests spends seconds doing so. Creates up to a
 * million empty files in its working directory, ignores failures, and prints the right answer.
 * The sandbox's tmpfs mounts cap their inodes, and running out of them is running out of the
 * run's memory: MLE. The judging goes on with the next test in a clean directory.
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(void) {
    long long a, b;
    if (scanf("%lld %lld", &a, &b) != 2) return 1;
    char name[32];
    int failures = 0;
    for (int i = 0; i < 1000000 && failures < 1000; i++) {
        snprintf(name, sizeof name, "f%d", i);
        int fd = open(name, O_WRONLY | O_CREAT | O_EXCL, 0600);
        if (fd < 0) {
            failures++;
            continue;
        }
        close(fd);
    }
    printf("%lld\n", a + b);
    return 0;
}
