/* Time limit exceeded: a fork bomb. Every process forks forever; once the
 * sandbox's process limit is reached fork() fails and they all keep trying,
 * burning CPU. The judge must stop all of them (not only the first), and
 * other submissions and the judge itself must not notice.
 */
#include <unistd.h>

int main(void) {
    for (;;) fork();
}
