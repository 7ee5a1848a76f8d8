/* Sandbox promise: the system directories are read-only.
 *
 * Tries to create a file and a directory in /, /usr, /etc, /bin, /usr/bin,
 * /lib, /sbin and /var, to open existing system files for writing, and to
 * change their permissions. Every attempt must fail (with EROFS, EACCES,
 * EPERM, ...). Anything that succeeds is undone as far as possible and
 * reported. Prints SAFE, or LEAK: <what succeeded>.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int leaks = 0;
static char report[4096];

static void leak(const char *what, const char *path) {
    leaks++;
    size_t used = strlen(report);
    snprintf(report + used, sizeof report - used, "%s%s %s", used ? "; " : "", what, path);
}

int main(void) {
    static const char *dirs[] = {"/", "/usr", "/etc", "/bin", "/usr/bin", "/lib", "/sbin", "/var", "/usr/local/bin"};
    static const char *files[] = {"/etc/passwd", "/etc/hosts", "/bin/sh", "/usr/bin/env"};
    char path[256];

    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
        struct stat st;
        if (stat(dirs[i], &st) != 0) continue;
        snprintf(path, sizeof path, "%s/coderank-sandbox-probe-%ld", strcmp(dirs[i], "/") ? dirs[i] : "", (long)getpid());
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
        if (fd >= 0) {
            close(fd);
            unlink(path);
            leak("created file", path);
        } else {
            fprintf(stderr, "create %s: %s\n", path, strerror(errno));
        }
        if (mkdir(path, 0755) == 0) {
            rmdir(path);
            leak("created directory", path);
        }
    }
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        int fd = open(files[i], O_WRONLY | O_APPEND);
        if (fd >= 0) {
            close(fd);
            leak("opened for writing", files[i]);
        } else {
            fprintf(stderr, "open %s for writing: %s\n", files[i], strerror(errno));
        }
        struct stat st;
        if (stat(files[i], &st) == 0 && chmod(files[i], st.st_mode) == 0) leak("changed mode of", files[i]);
    }

    if (leaks) {
        printf("LEAK: %s\n", report);
    } else {
        printf("SAFE\n");
    }
    return 0;
}
