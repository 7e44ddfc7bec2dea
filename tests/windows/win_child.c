/* win_child - the program the Windows process tests start (CreateProcessW)
 * in one or many copies.  It uses only the public C API, like any user.
 *
 *   win_child hold TARGET [shared|keep]...
 *       acquire, print "held <pid>", then hold until standard input closes;
 *       release and exit 0.  On failure print "fail <code> <message>", exit 2.
 *   win_child loop TARGET ITERATIONS
 *       ITERATIONS times: acquire; create TARGET.inside with CREATE_NEW (it
 *       existing means someone else is inside: an overlap); remove it;
 *       release.  Prints "overlaps N" and exits 0 only when N is 0.
 */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filelock.h"

static fl_lock *make_lock(const char *target, int argc, char **argv, int first)
{
    fl_options *o = NULL;
    fl_lock *l = NULL;
    if (fl_options_new(&o) != FL_OK) return NULL;
    for (int i = first; i < argc; i++) {
        if (strcmp(argv[i], "shared") == 0) fl_options_set_shared(o, 1);
        else if (strcmp(argv[i], "keep") == 0) fl_options_set_remove_on_release(o, 0);
    }
    if (fl_lock_new(&l, target, o) != FL_OK) l = NULL;
    fl_options_free(o);
    return l;
}

static int hold(const char *target, int argc, char **argv)
{
    fl_lock *l = make_lock(target, argc, argv, 3);
    int rc = l ? fl_acquire(l, FL_WAIT_FOREVER) : FL_EINVAL;
    if (rc != FL_OK) {
        printf("fail %d %s\n", rc, fl_last_error_message());
        fflush(stdout);
        return 2;
    }
    printf("held %lu\n", (unsigned long)GetCurrentProcessId());
    fflush(stdout);
    char buf[64];
    DWORD n;
    while (ReadFile(GetStdHandle(STD_INPUT_HANDLE), buf, sizeof buf, &n, NULL) && n > 0) {
    }
    fl_release(l);
    fl_lock_free(l);
    return 0;
}

static int loop(const char *target, int iterations)
{
    fl_lock *l = make_lock(target, 0, NULL, 0);
    if (!l) return 2;
    char inside[MAX_PATH];
    snprintf(inside, sizeof inside, "%s.inside", target);
    int overlaps = 0;
    for (int i = 0; i < iterations; i++) {
        int rc = fl_acquire(l, FL_WAIT_FOREVER);
        if (rc != FL_OK) {
            printf("fail %d %s\n", rc, fl_last_error_message());
            return 2;
        }
        HANDLE h = CreateFileA(inside, GENERIC_WRITE, 0, NULL, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL);
        if (h == INVALID_HANDLE_VALUE) {
            overlaps++;
        } else {
            Sleep(0);  /* let another process run while we are inside */
            CloseHandle(h);
            DeleteFileA(inside);
        }
        fl_release(l);
    }
    fl_lock_free(l);
    printf("overlaps %d\n", overlaps);
    return overlaps == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "hold") == 0) return hold(argv[2], argc, argv);
    if (argc == 4 && strcmp(argv[1], "loop") == 0) return loop(argv[2], atoi(argv[3]));
    fprintf(stderr, "usage: win_child hold TARGET [shared|keep]... | loop TARGET N\n");
    return 64;
}
