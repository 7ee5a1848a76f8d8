/* Memory limit exceeded in System V message queues: messages wait in kernel memory, charged to
 * the sandbox's cgroup, and the queues outlive the process that filled them.
 *
 * Keeps 320 MiB in message queues (the limit is 256 MiB; the heap stays under 1 MiB), then
 * prints the right answer. The judge must count that kernel memory as the run's and give MLE
 * (and remove the queues before the next test).
 */
#include <stdio.h>
#include <sys/ipc.h>
#include <sys/msg.h>

int main(void) {
    static struct {
        long type;
        char text[8000];
    } message = {1, {0}};
    long long a, b;
    if (scanf("%lld %lld", &a, &b) != 2) return 1;
    long kept = 0;
    while (kept < (320L << 20)) {
        int queue = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
        if (queue < 0) break;
        while (kept < (320L << 20) && msgsnd(queue, &message, sizeof message.text, IPC_NOWAIT) == 0)
            kept += sizeof message.text;
    }
    printf("%lld\n", a + b);
    return 0;
}
