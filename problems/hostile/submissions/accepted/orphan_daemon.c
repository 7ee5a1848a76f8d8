/* Accepted, but leaves a daemon behind: the judge must kill it.
 *
 * Before answering, the program double-forks a daemon: a grandchild in a new
 * session (setsid), reparented away from this process, that ignores SIGHUP,
 * SIGTERM and SIGINT, closes its standard streams and loops forever, writing
 * a line to daemon.log in the working directory (and /tmp) every millisecond.
 * The program itself prints the correct answer and exits 0 at once, so the
 * verdict is accepted. Waiting for the daemon, or letting it live into the
 * next test case or submission, is the judge's bug.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void daemon_loop(void) {
    signal(SIGHUP, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    signal(SIGINT, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
        if (null > 2) close(null);
    } else {
        close(0);
        close(1);
        close(2);
    }
    FILE *logs[2] = {fopen("daemon.log", "a"), fopen("/tmp/daemon.log", "a")};
    struct timespec pause = {0, 1000000};
    for (unsigned long tick = 0;; tick++) {
        for (int i = 0; i < 2; i++) {
            if (logs[i] != NULL) {
                fprintf(logs[i], "daemon %ld still alive, tick %lu\n", (long)getpid(), tick);
                fflush(logs[i]);
            }
        }
        nanosleep(&pause, NULL);
    }
}

int main(void) {
    long long a, b;
    if (scanf("%lld %lld", &a, &b) != 2) return 1;
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        setsid();
        if (fork() == 0) daemon_loop();
        _exit(0); /* the middle process exits: the daemon is orphaned */
    }
    if (child > 0) waitpid(child, NULL, 0);
    printf("%lld\n", a + b);
    return 0;
}
