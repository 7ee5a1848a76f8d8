/* A program with many behaviours, chosen by the first word of its input, to test the
 * supervisor from inside a real judge container. Compiled once per test container. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static int judge_processes(void) {
    DIR *proc = opendir("/proc");
    struct dirent *entry;
    int count = 0;
    char path[64], line[256];
    while ((entry = readdir(proc))) {
        int pid = atoi(entry->d_name);
        if (pid <= 0 || pid == getpid()) continue;
        snprintf(path, sizeof path, "/proc/%d/status", pid);
        FILE *status = fopen(path, "r");
        if (!status) continue;
        while (fgets(line, sizeof line, status)) {
            unsigned uid;
            if (sscanf(line, "Uid: %u", &uid) == 1) { if (uid == getuid()) count++; break; }
        }
        fclose(status);
    }
    closedir(proc);
    return count;
}

static long recurse(long depth) {
    volatile char frame[64];
    frame[0] = (char)depth;
    return depth == 0 ? frame[0] : 1 + recurse(depth - 1) + frame[0] * 0;
}

static const char *try_create(const char *path) {
    int fd = open(path, O_WRONLY | O_CREAT, 0644);
    if (fd >= 0) { close(fd); return "created"; }
    return strerrorname_np(errno);
}

int main(void) {
    char word[32];
    long n = 0;
    if (scanf("%31s %ld", word, &n) < 1) return 2;
    if (!strcmp(word, "sum")) { long b; scanf("%ld", &b); printf("%ld\n", n + b); }
    else if (!strcmp(word, "spin")) { for (;;) { } }
    else if (!strcmp(word, "sleep")) { sleep(100000); }
    else if (!strcmp(word, "alloc")) {
        for (long i = 0; i < n; i++) { char *p = malloc(1 << 20); if (!p) return 3; memset(p, 1, 1 << 20); }
        puts("allocated");
    }
    else if (!strcmp(word, "flood")) { for (;;) fputs("spam spam spam spam spam spam spam\n", stdout); }
    else if (!strcmp(word, "forkbomb")) { for (;;) fork(); }
    else if (!strcmp(word, "daemon")) {
        /* A double-forked daemon in a session of its own; the main process ends only once the
         * daemon runs (it says so on a pipe), so that there is always one to kill. */
        int ready[2];
        if (pipe(ready) != 0) { puts("no pipe"); return 1; }
        pid_t child = fork();
        if (child == 0) {
            setsid();
            if (fork() == 0) { close(ready[0]); write(ready[1], "r", 1); for (;;) sleep(1); }
            _exit(0);
        }
        close(ready[1]);
        char byte;
        puts(child > 0 && read(ready[0], &byte, 1) == 1 ? "ok" : "no daemon");
    }
    else if (!strcmp(word, "count")) { printf("%d\n", judge_processes()); }
    else if (!strcmp(word, "escape")) {
        printf("uid=%d euid=%d\n", getuid(), geteuid());
        printf("kill1=%s\n", kill(1, SIGKILL) == 0 ? "sent" : strerrorname_np(errno));
        printf("usr=%s etc=%s root=%s\n", try_create("/usr/x"), try_create("/etc/x"), try_create("/x"));
        printf("environ_secret=%s\n", getenv("DATABASE_URL") ? "yes" : "no");
    }
    else if (!strcmp(word, "marker")) {
        /* /tmp/.coderank-*: the supervisor keeps its own files of that name, not the program's. */
        const char *places[] = {"marker", "/tmp/marker", "/dev/shm/marker", "/tmp/.coderank-marker"};
        int stale = 0;
        for (int i = 0; i < 4; i++) stale |= access(places[i], F_OK) == 0;
        puts(stale ? "stale" : "fresh");
        for (int i = 0; i < 4; i++) close(open(places[i], O_WRONLY | O_CREAT, 0644));
    }
    else if (!strcmp(word, "ipc")) {
        /* A shared memory segment and a message queue under fixed keys: found again by a later
         * test only if the supervisor left them. */
        int stale = shmget(0xC0DE, 4096, 0600) >= 0 || msgget(0xC0DE, 0600) >= 0;
        shmget(0xC0DE, 4096, IPC_CREAT | 0600);
        msgget(0xC0DE, IPC_CREAT | 0600);
        puts(stale ? "stale" : "fresh");
    }
    else if (!strcmp(word, "sockets")) {
        /* n MiB kept in the kernel's buffers of unix socket pairs, none of it in the heap, for
         * long enough to be sampled (as are the queues below). */
        static char chunk[1 << 16];
        long kept = 0;
        while (kept < (n << 20)) {
            int pair[2];
            if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, pair) != 0) break;
            ssize_t wrote;
            while (kept < (n << 20) && (wrote = write(pair[0], chunk, sizeof chunk)) > 0) kept += wrote;
        }
        printf("%ld\n", kept >> 20);
        usleep(30000);
    }
    else if (!strcmp(word, "queues")) {
        /* n MiB kept in System V message queues, which outlive the process. */
        static struct { long type; char text[8000]; } message = {1, {0}};
        long kept = 0;
        while (kept < (n << 20)) {
            int queue = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
            if (queue < 0) break;
            while (kept < (n << 20) && msgsnd(queue, &message, sizeof message.text, IPC_NOWAIT) == 0)
                kept += sizeof message.text;
        }
        printf("%ld\n", kept >> 20);
        usleep(30000);
    }
    else if (!strcmp(word, "recurse")) { printf("%ld\n", recurse(n)); }
    else if (!strcmp(word, "fill")) {
        static char block[1 << 20];
        int fd = open("fill", O_WRONLY | O_CREAT, 0644);
        long written = 0;
        for (;;) { ssize_t w = write(fd, block, sizeof block); if (w <= 0) break; written += w; }
        printf("%s after %ld MiB\n", strerrorname_np(errno), written >> 20);
    }
    else if (!strcmp(word, "modify")) {
        int fd = open("/work/main", O_WRONLY);
        printf("main=%s new=%s\n", fd >= 0 ? "opened" : strerrorname_np(errno), try_create("/work/new"));
    }
    else if (!strcmp(word, "files")) {
        char given[64] = {0};
        FILE *in = fopen("given.txt", "r");
        if (in && fgets(given, sizeof given, in)) printf("given=%s", given);
        printf("change=%s\n", try_create("given.txt"));
        FILE *note = fopen("note.txt", "w");
        fputs("hello from the program\n", note);
        fclose(note);
        symlink("/tmp/.coderank-supervisor", "link.txt");
    }
    else if (!strcmp(word, "exit")) { return (int)n; }
    else if (!strcmp(word, "segv")) { *(volatile int *)0 = 1; }
    else if (!strcmp(word, "stderr")) { for (long i = 0; i < n; i++) fputs("e", stderr); puts("done"); }
    return 0;
}
