/* Compile error: the preprocessor reads /dev/urandom, which never ends, until
 * the compilation's time or memory limit stops it. (A compiler that refuses
 * to include a device gives a compile error at once, which is fine too.)
 */
#include "/dev/urandom"

int main(void) {
    return 0;
}
