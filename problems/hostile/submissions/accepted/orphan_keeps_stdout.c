/* Accepted, but leaves a silent child behind that still holds standard output
 * and standard error open.
 *
 * The child sleeps forever without writing anything; the program prints the
 * correct answer and exits 0 at once. A judge that waits for end-of-file on
 * the program's output pipe instead of for the program's exit would wait
 * until the time limit and wrongly report a time-limit verdict. The judge
 * must take the output when the program exits and kill what is left.
 *
 * The child names itself "orphan-sleeper", and every run first looks through
 * /proc for a process of that name left by an earlier test case; if there is
 * one, it prints a LEAK line instead of the answer, a wrong answer.
 */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#define CHILD_NAME "orphan-sleeper"

/* The pid of a live process called CHILD_NAME, or 0. */
static long find_child(void) {
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
        if (fgets(comm, sizeof comm, f) != NULL && strcmp(comm, CHILD_NAME "\n") == 0) found = pid;
        fclose(f);
    }
    closedir(proc);
    return found;
}

int main(void) {
    long long a, b;
    if (scanf("%lld %lld", &a, &b) != 2) return 1;
    long survivor = find_child();
    if (survivor != 0) {
        printf("LEAK: the child of an earlier test case is still running (pid %ld)\n", survivor);
        return 0;
    }
    fflush(stdout);
    if (fork() == 0) {
        prctl(PR_SET_NAME, CHILD_NAME, 0, 0, 0);
        signal(SIGHUP, SIG_IGN);
        signal(SIGTERM, SIG_IGN);
        for (;;) pause();
    }
    printf("%lld\n", a + b);
    return 0;
}
