/* batch_test.h - helpers for the batch C API suites: a config with small
 * timeouts, numbered files in the test's directory, and a child process that
 * holds a lock until told to let go (synchronised through pipes). */
#ifndef BATCH_TEST_H
#define BATCH_TEST_H

#include "fl_test.h" /* first: it defines _GNU_SOURCE */

#include <signal.h>
#include <sys/wait.h>

/* timeout 50 ms, 2 retries 10 ms apart, no stale cleanup, environment
 * ignored so that a FILELOCK_* variable cannot change the outcome. */
static inline fl_config *bt_quick_config(void)
{
    fl_config *cfg = NULL;
    FL_ASSERT_OK(fl_config_new(&cfg, FL_CONFIG_IGNORE_ENV));
    FL_ASSERT_OK(fl_config_set(cfg, "timeout_seconds", "0.05"));
    FL_ASSERT_OK(fl_config_set(cfg, "retry_attempts", "2"));
    FL_ASSERT_OK(fl_config_set(cfg, "retry_delay_seconds", "0.01"));
    FL_ASSERT_OK(fl_config_set(cfg, "cleanup_stale_locks", "false"));
    return cfg;
}

static inline fl_batch *bt_batch(fl_config *cfg)
{
    fl_batch *b = NULL;
    FL_ASSERT_OK(fl_batch_new(&b, cfg));
    fl_config_free(cfg);
    return b;
}

/* n files "<dir>/f<i>" with their paths in a NULL-terminated array. */
typedef struct bt_files {
    char **paths;
    size_t count;
} bt_files;

static inline bt_files bt_make_files(void **state, size_t n)
{
    bt_files f = {calloc(n + 1, sizeof(char *)), n};
    assert_non_null(f.paths);
    for (size_t i = 0; i < n; i++) {
        char name[32];
        snprintf(name, sizeof name, "f%zu", i);
        f.paths[i] = strdup(fl_test_path(state, name));
        fl_test_write(f.paths[i], "x", 1);
    }
    return f;
}

static inline void bt_free_files(bt_files *f)
{
    for (size_t i = 0; i < f->count; i++) free(f->paths[i]);
    free(f->paths);
}

static inline const char *const *bt_list(const bt_files *f)
{
    return (const char *const *)f->paths;
}

/* A child process holding the lock of `target` through the C API. */
typedef struct bt_holder {
    pid_t pid;
    int release_fd; /* closing it lets the child release and exit */
} bt_holder;

static inline bt_holder bt_hold_in_child(const char *target)
{
    int ready[2], release[2];
    assert_int_equal(pipe(ready), 0);
    assert_int_equal(pipe(release), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(ready[0]);
        close(release[1]);
        fl_lock *l = NULL;
        char ok = fl_lock_new(&l, target, NULL) == FL_OK && fl_acquire(l, 0) == FL_OK ? '1' : '0';
        if (write(ready[1], &ok, 1) != 1) _exit(3);
        char c;
        while (read(release[0], &c, 1) > 0) {
        }
        fl_lock_free(l);
        _exit(0);
    }
    close(ready[1]);
    close(release[0]);
    char ok = 0;
    assert_int_equal(read(ready[0], &ok, 1), 1);
    close(ready[0]);
    assert_int_equal(ok, '1');
    bt_holder h = {pid, release[1]};
    return h;
}

static inline void bt_let_go(bt_holder *h)
{
    int st = 0;
    close(h->release_fd);
    assert_int_equal(waitpid(h->pid, &st, 0), h->pid);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static inline int bt_ok_cb(const char *path, void *user_data)
{
    (void)path;
    (void)user_data;
    return 0;
}

#endif
