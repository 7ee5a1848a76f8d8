/* Time limit exceeded, hiding its CPU time in children whose usage the kernel discards.
 *
 * With SIGCHLD ignored, the kernel reaps the children itself and adds nothing of theirs to
 * the parent's "children" usage, so a judge that reads only wait4()'s rusage sees a program
 * that used almost no CPU. Three children burn 0.8 s of CPU each (2.4 s in all, the limit is
 * 1 s); the parent waits for them and prints the right answer. The judge must count the CPU
 * of every process of the run (its cgroup) and give TLE.
 */
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double cpu_seconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return now.tv_sec + now.tv_nsec / 1e9;
}

int main(void) {
    long long a, b;
    if (scanf("%lld %lld", &a, &b) != 2) return 1;
    signal(SIGCHLD, SIG_IGN);
    for (int i = 0; i < 3; i++) {
        if (fork() == 0) {
            volatile unsigned long spin = 0;
            while (cpu_seconds() < 0.8) spin++;
            _exit(0);
        }
    }
    /* With SIGCHLD ignored, wait() returns (ECHILD) once every child has ended. */
    while (wait(NULL) > 0) {
    }
    printf("%lld\n", a + b);
    return 0;
}
