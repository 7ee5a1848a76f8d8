/* Time limit exceeded: a busy loop that ignores every signal it can
 * (SIGTERM, SIGINT, SIGHUP, SIGXCPU, SIGALRM, ...). Only SIGKILL stops it.
 */
#include <signal.h>

int main(void) {
    for (int sig = 1; sig < NSIG; sig++) signal(sig, SIG_IGN); /* fails harmlessly for SIGKILL, SIGSTOP */
    volatile unsigned long counter = 0;
    for (;;) counter++;
}
