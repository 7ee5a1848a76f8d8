/* Time limit exceeded: a thread bomb. The main thread creates threads
 * forever (each one sleeps forever), retrying when creation fails, so it
 * spins once the sandbox's process/thread limit is reached.
 */
#include <pthread.h>
#include <unistd.h>

static void *sleeper(void *arg) {
    (void)arg;
    for (;;) pause();
    return NULL;
}

int main(void) {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 64 * 1024);
    for (;;) {
        pthread_t thread;
        pthread_create(&thread, &attr, sleeper, NULL);
    }
}
