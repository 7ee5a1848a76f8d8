/* Sandbox promise: the scratch disk is capped.
 *
 * Writes up to 2 GiB of data into a file in the working directory, 1 MiB at
 * a time. The sandbox must stop it before 2 GiB with a clean write error:
 * ENOSPC (filesystem full), EDQUOT (quota) or EFBIG (file size limit;
 * SIGXFSZ is ignored here so that the limit shows as an error rather than
 * killing the program). The file is deleted afterwards either way.
 * Prints SAFE, LEAK: wrote 2 GiB, or UNEXPECTED: <other error>.
 *
 * If the scratch directory is a tmpfs whose pages count against the memory
 * limit, it must be clearly smaller than that limit, or this program is
 * killed for exceeding its memory instead of getting ENOSPC.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define CHUNK (1 << 20)
#define GOAL (2048LL * CHUNK)

static char chunk[CHUNK];

int main(void) {
    const char *path = "coderank-disk-probe.bin";
    signal(SIGXFSZ, SIG_IGN);
    memset(chunk, 'x', sizeof chunk);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        /* The working directory itself is not writable: nothing can be filled. */
        printf("UNEXPECTED: cannot create a file in the working directory: %s\n", strerror(errno));
        return 0;
    }
    long long written = 0;
    int error = 0;
    while (written < GOAL) {
        ssize_t n = write(fd, chunk, sizeof chunk);
        if (n < 0) {
            if (errno == EINTR) continue;
            error = errno;
            break;
        }
        written += n;
    }
    close(fd);
    unlink(path);
    fprintf(stderr, "wrote %lld MiB before %s\n", written >> 20, error ? strerror(error) : "reaching the goal");

    if (error == ENOSPC || error == EDQUOT || error == EFBIG) {
        printf("SAFE\n");
    } else if (error == 0) {
        printf("LEAK: wrote 2 GiB into the working directory without hitting a limit\n");
    } else {
        printf("UNEXPECTED: write failed after %lld MiB with %s\n", written >> 20, strerror(error));
    }
    return 0;
}
