/* swapper - a hostile process for the directory-swap tests.  It exchanges
 * two names in one directory (renameat2 RENAME_EXCHANGE: atomic, both names
 * always exist), as fast as it can, until standard input closes.  With a
 * real directory and a symlink to somewhere else, every path through that
 * name flips between the two all the time.
 *
 *   swapper DIR NAME_A NAME_B
 *       prints "ready" once started, then "swaps N" when stdin closes.
 */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: swapper DIR NAME_A NAME_B\n");
        return 2;
    }
    int dir = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) {
        perror("open");
        return 2;
    }
    printf("ready\n");
    fflush(stdout);
    long swaps = 0;
    for (;;) {
        for (int i = 0; i < 64; i++) {
            if (renameat2(dir, argv[2], dir, argv[3], RENAME_EXCHANGE) != 0) {
                perror("renameat2");
                return 2;
            }
            swaps++;
        }
        struct pollfd p = {0, POLLIN, 0};
        if (poll(&p, 1, 0) > 0) {
            char c;
            if (read(0, &c, 1) <= 0) break;
        }
    }
    /* Leave the names as they started (an even number of swaps). */
    if (swaps % 2 && renameat2(dir, argv[2], dir, argv[3], RENAME_EXCHANGE) == 0) swaps++;
    printf("swaps %ld\n", swaps);
    return 0;
}
