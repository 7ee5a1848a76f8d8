/* Accepted, but leaves a daemon behind: the judge must kill it.
 *
 * Before answering, the program double-forks a daemon: a grandchild in a new
 * session (setsid), reparented away from this process, that ignores SIGHUP,
 * SIGTERM and SIGINT, closes its standard streams and loops forever, writing
 * a line to daemon.log in the working directory (and /tmp) every millisecond.
 * The program itself prints the correct answer and exits 0 at once, so the
 * verdict is accepted. Waiting for the daemon is the judge's bug.
 *
 * The daemon names itself "orphan-daemon" (prctl PR_SET_NAME), and every run
 * first looks through /proc for a process of that name: one that survived an
 * earlier test case. If it finds one it prints a LEAK line instead of the
 * answer, a wrong answer. So the judge must also kill the daemon before the
 * next test case starts.
 */
#include <fcntl.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DAEMON_NAME "orphan-daemon"

/* The pid of a live process called DAEMON_NAME, or 0. */
static long find_daemon(void) {
    DIR *proc = opendir("/proc");
    if (proc == NULL) return 0;
    long found = 0;
    struct dirent *entry;
    while (found == 0 && (entry = readdir(proc)) != NULL) {
        char *end;
        long pid = strtol(entry->d_name, &end, 10);
        if (*end != '\0' || pid <= 0) continue;
        char path[64], comm[32] = "";
        snprintf(path, sizeof path, "/proc/%ld/comm", pid);
        FILE *f = fopen(path, "r");
        if (f == NULL) continue;
        if (fgets(comm, sizeof comm, f) != NULL && strcmp(comm, DAEMON_NAME "\n") == 0) found = pid;
        fclose(f);
    }
    closedir(proc);
    return found;
}

static void daemon_loop(void) {
    prctl(PR_SET_NAME, DAEMON_NAME, 0, 0, 0);
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
    long survivor = find_daemon();
    if (survivor != 0) {
        printf("LEAK: the daemon of an earlier test case is still running (pid %ld)\n", survivor);
        return 0;
    }
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
