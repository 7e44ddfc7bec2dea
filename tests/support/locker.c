/* locker - a small program the multi-process tests run many copies of.  It
 * uses only the public C API, like any user.
 *
 *   locker hold TARGET [shared|keep|timeout=MS|file|norecord]...
 *       acquire, print "held <pid>", then hold until standard input closes;
 *       release and exit 0.  On failure print "fail <code> <message>", exit 2.
 *       `file`: TARGET is the lock file itself (fl_lock_new_file);
 *       `norecord`: write no record.
 *   locker loop TARGET ITERATIONS LOG [keep|timeout=MS]...
 *       ITERATIONS times: acquire; append "enter <pid>" to LOG; create
 *       TARGET.inside with O_EXCL (EEXIST = someone else is inside: overlap);
 *       append "exit <pid>"; remove TARGET.inside; release.
 *       Prints "overlaps N" and exits 0 only when N is 0.
 *   locker clean DIR ITERATIONS
 *       ITERATIONS times: remove stale lock files under DIR with threshold 0.
 *       Prints "removed N".
 *   locker forkhold TARGET
 *       acquire, then fork a child that does not exec and sleeps for two
 *       minutes; print "held <pid> <child pid>" and hold until standard
 *       input closes.
 *   locker pexit TARGET
 *       acquire (keeping the lock file), print "held <pid>", and end the
 *       main thread with pthread_exit while a second thread holds on until
 *       standard input closes.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "filelock.h"

static void append_line(int fd, const char *what)
{
    char buf[64];
    int n = snprintf(buf, sizeof buf, "%s %ld\n", what, (long)getpid());
    if (write(fd, buf, (size_t)n) != n) perror("write log");
}

static fl_lock *make_lock(const char *target, int argc, char **argv, int first, int64_t *timeout)
{
    fl_options *o = NULL;
    fl_lock *l = NULL;
    if (fl_options_new(&o) != FL_OK) return NULL;
    int explicit_file = 0;
    for (int i = first; i < argc; i++) {
        if (strcmp(argv[i], "shared") == 0) fl_options_set_shared(o, 1);
        else if (strcmp(argv[i], "keep") == 0) fl_options_set_remove_on_release(o, 0);
        else if (strcmp(argv[i], "file") == 0) explicit_file = 1;
        else if (strcmp(argv[i], "norecord") == 0) fl_options_set_write_record(o, 0);
        else if (strncmp(argv[i], "timeout=", 8) == 0) *timeout = atoll(argv[i] + 8);
    }
    int rc = explicit_file ? fl_lock_new_file(&l, target, o) : fl_lock_new(&l, target, o);
    if (rc != FL_OK) l = NULL;
    fl_options_free(o);
    return l;
}

static int cmd_hold(int argc, char **argv)
{
    int64_t timeout = FL_WAIT_FOREVER;
    fl_lock *l = make_lock(argv[2], argc, argv, 3, &timeout);
    if (!l) return 2;
    int rc = fl_acquire(l, timeout);
    if (rc != FL_OK) {
        printf("fail %d %s\n", rc, fl_last_error_message());
        fflush(stdout);
        return 2;
    }
    printf("held %ld\n", (long)getpid());
    fflush(stdout);
    char c;
    while (read(0, &c, 1) > 0) {
    }
    fl_release(l);
    fl_lock_free(l);
    return 0;
}

static int cmd_loop(int argc, char **argv)
{
    if (argc < 5) return 2;
    int64_t timeout = 60000;
    fl_lock *l = make_lock(argv[2], argc, argv, 5, &timeout);
    if (!l) return 2;
    int iterations = atoi(argv[3]);
    int log = open(argv[4], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    char inside[4096];
    snprintf(inside, sizeof inside, "%s.inside", argv[2]);
    int overlaps = 0;
    for (int i = 0; i < iterations; i++) {
        int rc = fl_acquire(l, timeout);
        if (rc != FL_OK) {
            printf("fail %d %s\n", rc, fl_last_error_message());
            return 2;
        }
        append_line(log, "enter");
        int fd = open(inside, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0) overlaps++;
        else close(fd);
        append_line(log, "exit");
        if (fd >= 0) unlink(inside);
        fl_release(l);
    }
    close(log);
    fl_lock_free(l);
    printf("overlaps %d\n", overlaps);
    return overlaps == 0 ? 0 : 1;
}

static int cmd_clean(int argc, char **argv)
{
    if (argc < 4) return 2;
    fl_scan_options *so = NULL;
    fl_scan_options_new(&so);
    fl_scan_options_set_stale_threshold_ms(so, 0);
    size_t removed = 0;
    int iterations = atoi(argv[3]);
    for (int i = 0; i < iterations; i++) {
        fl_clean_report *r = NULL;
        if (fl_cleanup_stale_locks(argv[2], so, &r) == FL_OK && r) removed += r->count;
        fl_clean_report_free(r);
    }
    fl_scan_options_free(so);
    printf("removed %zu\n", removed);
    return 0;
}

static int cmd_forkhold(int argc, char **argv)
{
    int64_t timeout = FL_WAIT_FOREVER;
    fl_lock *l = make_lock(argv[2], argc, argv, 3, &timeout);
    if (!l || fl_acquire(l, timeout) != FL_OK) return 2;
    pid_t child = fork();
    if (child == 0) {
        /* A long-lived child that never execs, as a worker pool does.  It
         * never exits before its parent is gone. */
        for (int i = 0; i < 120; i++) sleep(1);
        _exit(0);
    }
    printf("held %ld %ld\n", (long)getpid(), (long)child);
    fflush(stdout);
    char c;
    while (read(0, &c, 1) > 0) {
    }
    kill(child, SIGKILL);
    fl_lock_free(l);
    return 0;
}

static void *hold_on(void *arg)
{
    fl_lock *l = arg;
    char c;
    while (read(0, &c, 1) > 0) {
    }
    fl_lock_free(l);
    /* _exit: the main thread is gone, so exit-time leak checkers would
     * report its thread-local state as lost. */
    _exit(0);
}

static int cmd_pexit(int argc, char **argv)
{
    int64_t timeout = FL_WAIT_FOREVER;
    fl_lock *l = make_lock(argv[2], argc, argv, 3, &timeout);
    if (!l || fl_acquire(l, timeout) != FL_OK) return 2;
    pthread_t t;
    if (pthread_create(&t, NULL, hold_on, l) != 0) return 2;
    printf("held %ld\n", (long)getpid());
    fflush(stdout);
    pthread_exit(NULL);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: locker hold|loop|clean|forkhold|pexit ...\n");
        return 2;
    }
    if (strcmp(argv[1], "hold") == 0) return cmd_hold(argc, argv);
    if (strcmp(argv[1], "loop") == 0) return cmd_loop(argc, argv);
    if (strcmp(argv[1], "clean") == 0) return cmd_clean(argc, argv);
    if (strcmp(argv[1], "forkhold") == 0) return cmd_forkhold(argc, argv);
    if (strcmp(argv[1], "pexit") == 0) return cmd_pexit(argc, argv);
    return 2;
}
