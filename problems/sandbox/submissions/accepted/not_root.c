/* Sandbox promise: programs do not run as root and hold no capabilities.
 *
 * Checks that the real, effective, saved and filesystem user ids are not 0,
 * that setuid(0) fails, and that the permitted and effective capability sets
 * in /proc/self/status are empty. Prints SAFE, or LEAK: <what is wrong>.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void) {
    char report[1024] = "";
    int leaks = 0;
#define LEAK(...)                                                                         \
    do {                                                                                  \
        size_t used = strlen(report);                                                     \
        if (used) snprintf(report + used, sizeof report - used, "; ");                    \
        used = strlen(report);                                                            \
        snprintf(report + used, sizeof report - used, __VA_ARGS__);                       \
        leaks++;                                                                          \
    } while (0)

    if (getuid() == 0) LEAK("real uid is 0");
    if (geteuid() == 0) LEAK("effective uid is 0");
    if (setuid(0) == 0) LEAK("setuid(0) succeeded");

    FILE *status = fopen("/proc/self/status", "r");
    if (status != NULL) {
        char line[256];
        while (fgets(line, sizeof line, status) != NULL) {
            unsigned long long caps;
            unsigned long r, e, s, f;
            if (sscanf(line, "Uid: %lu %lu %lu %lu", &r, &e, &s, &f) == 4) {
                if (r == 0 || e == 0 || s == 0 || f == 0) LEAK("a user id is 0 (%lu %lu %lu %lu)", r, e, s, f);
            } else if (sscanf(line, "CapEff: %llx", &caps) == 1 && caps != 0) {
                LEAK("effective capabilities %016llx", caps);
            } else if (sscanf(line, "CapPrm: %llx", &caps) == 1 && caps != 0) {
                LEAK("permitted capabilities %016llx", caps);
            } else if (sscanf(line, "CapAmb: %llx", &caps) == 1 && caps != 0) {
                LEAK("ambient capabilities %016llx", caps);
            }
        }
        fclose(status);
    } else {
        fprintf(stderr, "cannot read /proc/self/status; capabilities not checked\n");
    }

    if (leaks) {
        printf("LEAK: %s\n", report);
    } else {
        printf("SAFE\n");
    }
    return 0;
}
