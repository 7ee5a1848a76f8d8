/* Sandbox promise: the scratch disk is capped, and it is memory.
 *
 * Writes up to 2 GiB of data into a file in the working directory, 1 MiB at
 * a time, deleting it at the first write error (SIGXFSZ is ignored, so a file
 * size limit would show as an error). The scratch directory is a tmpfs: its
 * files are memory, and it is larger than the memory limit, so the program
 * passes its memory limit before the disk is full, if only for milliseconds
 * before it deletes the file. The judge must see that and say MLE, every time.
 * (Were the disk not capped it would print LEAK: wrote 2 GiB.)
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
