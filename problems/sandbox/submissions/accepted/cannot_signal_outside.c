/* Sandbox promise: a program cannot signal processes outside its sandbox,
 * such as the judge's supervisor or other submissions.
 *
 * Probes every process id with kill(pid, 0), which checks permission without
 * sending anything: the ids listed in /proc and every id from 1 to 65536.
 * It must fail (ESRCH: no such process visible, or EPERM: not allowed) for
 * every process outside the sandbox. Processes inside the sandbox (this
 * program, the judge's wrapper that started it) may be signalled; a process
 * counts as inside when its /proc/<pid>/cgroup is the same as ours. A process
 * we could signal but whose cgroup we cannot read counts as outside.
 * No real signal is ever sent. Prints SAFE, or LEAK: <process ids>.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#define MAX_PROBED_PID 65536

static char own_cgroup[8192];

/* Reads /proc/<pid>/<name> into buf; returns the length, or -1. */
static long read_proc(long pid, const char *name, char *buf, size_t size) {
    char path[64];
    if (pid > 0) {
        snprintf(path, sizeof path, "/proc/%ld/%s", pid, name);
    } else {
        snprintf(path, sizeof path, "/proc/self/%s", name);
    }
    FILE *f = fopen(path, "r");
    if (f == NULL) return -1;
    size_t n = fread(buf, 1, size - 1, f);
    fclose(f);
    buf[n] = '\0';
    return (long)n;
}

static char report[4096];
static int outside = 0;

static void probe(long pid, char *probed) {
    if (pid <= 0 || (pid <= MAX_PROBED_PID && probed[pid])) return;
    if (pid <= MAX_PROBED_PID) probed[pid] = 1;
    if (kill((pid_t)pid, 0) != 0) {
        if (errno != ESRCH && errno != EPERM) fprintf(stderr, "kill(%ld, 0): %s\n", pid, strerror(errno));
        return;
    }
    char cgroup[8192];
    char comm[64] = "?";
    if (read_proc(pid, "comm", comm, sizeof comm) > 0) comm[strcspn(comm, "\n")] = '\0';
    if (read_proc(pid, "cgroup", cgroup, sizeof cgroup) >= 0 && strcmp(cgroup, own_cgroup) == 0) {
        fprintf(stderr, "can signal pid %ld (%s), inside the sandbox\n", pid, comm);
        return;
    }
    outside++;
    size_t used = strlen(report);
    if (used < sizeof report - 64) {
        snprintf(report + used, sizeof report - used, "%spid %ld (%s)", used ? ", " : "", pid, comm);
    }
}

int main(void) {
    if (read_proc(0, "cgroup", own_cgroup, sizeof own_cgroup) < 0) {
        /* Without /proc nothing can be classified; every signalable process counts as outside. */
        fprintf(stderr, "cannot read /proc/self/cgroup\n");
        own_cgroup[0] = '\x01';
        own_cgroup[1] = '\0';
    }
    char *probed = calloc(MAX_PROBED_PID + 1, 1);
    if (probed == NULL) return 1;
    probed[getpid()] = 1; /* ourselves */

    DIR *proc = opendir("/proc");
    if (proc != NULL) {
        struct dirent *entry;
        while ((entry = readdir(proc)) != NULL) {
            char *end;
            long pid = strtol(entry->d_name, &end, 10);
            if (*end == '\0' && pid != getpid()) probe(pid, probed);
        }
        closedir(proc);
    }
    for (long pid = 1; pid <= MAX_PROBED_PID; pid++) probe(pid, probed);

    if (outside) {
        printf("LEAK: can signal %d process(es) outside the sandbox: %s\n", outside, report);
    } else {
        printf("SAFE\n");
    }
    return 0;
}
