/* The batch C API against other processes: a file another process holds is
 * locked out (or skipped) without failing the batch; enabled:false ignores
 * locks; two batch processes over the same files never process one file at
 * the same time. */
#include "batch_test.h" /* first: it defines _GNU_SOURCE */

#include <errno.h>
#include <sched.h>

static void file_held_by_another_process_is_locked_out(void **state)
{
    bt_files f = bt_make_files(state, 4);
    bt_holder h = bt_hold_in_child(f.paths[1]);
    fl_batch *b = bt_batch(bt_quick_config());
    FL_ASSERT_OK(fl_batch_set_workers(b, 2));
    fl_batch_results *res = NULL;
    FL_ASSERT_OK(fl_batch_run(b, bt_list(&f), f.count, bt_ok_cb, NULL, &res));
    const fl_file_result *r = res->items[1];
    assert_int_equal(r->status, FL_FILE_LOCKED_OUT);
    assert_int_equal(r->code, FL_ETIMEDOUT);
    assert_int_equal(r->attempts, 1 + 2);
    char pid[32];
    snprintf(pid, sizeof pid, "pid %ld", (long)h.pid);
    assert_non_null(strstr(r->message, pid));
    assert_int_equal(res->locked_out, 1);
    assert_int_equal(res->done, 3);
    fl_batch_results_free(res);
    bt_let_go(&h);
    fl_batch_free(b);
    bt_free_files(&f);
}

static void skip_mode_skips_a_file_held_elsewhere(void **state)
{
    bt_files f = bt_make_files(state, 3);
    bt_holder h = bt_hold_in_child(f.paths[0]);
    fl_config *cfg = bt_quick_config();
    FL_ASSERT_OK(fl_config_set(cfg, "timeout_seconds", "3600")); /* skip must not wait */
    fl_batch *b = bt_batch(cfg);
    FL_ASSERT_OK(fl_batch_set_skip_locked(b, 1));
    fl_batch_results *res = NULL;
    FL_ASSERT_OK(fl_batch_run(b, bt_list(&f), f.count, bt_ok_cb, NULL, &res));
    assert_int_equal(res->items[0]->status, FL_FILE_SKIPPED);
    assert_int_equal(res->items[0]->code, FL_EBUSY);
    assert_int_equal(res->items[0]->attempts, 1);
    assert_int_equal(res->skipped, 1);
    assert_int_equal(res->done, 2);
    fl_batch_results_free(res);
    fl_file_result *one = NULL;
    FL_ASSERT_OK(fl_batch_run_one(b, f.paths[0], bt_ok_cb, NULL, &one));
    assert_int_equal(one->status, FL_FILE_SKIPPED);
    fl_file_result_free(one);
    bt_let_go(&h);
    fl_batch_free(b);
    bt_free_files(&f);
}

/* Counts lock files that exist while the callback runs. */
static int count_lock_files_cb(const char *path, void *user_data)
{
    char lock[600];
    snprintf(lock, sizeof lock, "%s.lock", path);
    if (fl_test_exists(lock)) __atomic_add_fetch((int *)user_data, 1, __ATOMIC_SEQ_CST);
    return 0;
}

static void disabled_locking_ignores_locks_and_creates_none(void **state)
{
    bt_files f = bt_make_files(state, 4);
    bt_holder h = bt_hold_in_child(f.paths[0]);
    fl_config *cfg = bt_quick_config();
    FL_ASSERT_OK(fl_config_set(cfg, "enabled", "false"));
    fl_batch *b = bt_batch(cfg);
    fl_batch_results *res = NULL;
    int lock_files = 0;
    FL_ASSERT_OK(fl_batch_run(b, bt_list(&f), f.count, count_lock_files_cb, &lock_files, &res));
    assert_int_equal(res->done, f.count);
    assert_int_equal(res->items[0]->attempts, 0);
    assert_int_equal(lock_files, 1); /* only the child's own lock file */
    for (size_t i = 1; i < f.count; i++) {
        char lock[600];
        snprintf(lock, sizeof lock, "%s.lock", f.paths[i]);
        assert_false(fl_test_exists(lock));
    }
    fl_batch_results_free(res);
    bt_let_go(&h);
    fl_batch_free(b);
    bt_free_files(&f);
}

/* --- two batch processes over the same files ------------------------------ */

enum { kSharedFiles = 200 };

/* Inside the lock: claim "<file>.busy" exclusively (failure means another
 * process is inside the same file: overlap), record our pid in
 * "<file>.done", give the other process a chance to run, then leave. */
static int exclusive_cb(const char *path, void *user_data)
{
    char busy[600], done[600];
    snprintf(busy, sizeof busy, "%s.busy", path);
    snprintf(done, sizeof done, "%s.done", path);
    int fd = open(busy, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
    if (fd < 0) {
        __atomic_add_fetch((int *)user_data, 1, __ATOMIC_SEQ_CST);
        return errno == EEXIST ? 1 : 2;
    }
    close(fd);
    int log = open(done, O_CREAT | O_APPEND | O_WRONLY | O_CLOEXEC, 0644);
    char line[32];
    int n = snprintf(line, sizeof line, "%ld\n", (long)getpid());
    int wrote = log >= 0 && write(log, line, (size_t)n) == n;
    if (log >= 0) close(log);
    sched_yield();
    unlink(busy);
    return wrote ? 0 : 3;
}

/* Child: wait for the start signal (the pipe closing), run the batch, and
 * exit 0 only when there was no overlap and no file ended in an error. */
static void batch_child(bt_files *f, int start_fd)
{
    char c;
    while (read(start_fd, &c, 1) > 0) {
    }
    fl_config *cfg = NULL;
    fl_batch *b = NULL;
    fl_batch_results *res = NULL;
    int overlaps = 0;
    if (fl_config_new(&cfg, FL_CONFIG_IGNORE_ENV) != FL_OK) _exit(10);
    fl_config_set(cfg, "timeout_seconds", "30");
    fl_config_set(cfg, "cleanup_stale_locks", "false");
    if (fl_batch_new(&b, cfg) != FL_OK) _exit(11);
    fl_batch_set_workers(b, 4);
    if (fl_batch_run(b, bt_list(f), f->count, exclusive_cb, &overlaps, &res) != FL_OK) _exit(12);
    int bad = overlaps > 0 || res->failed > 0 || res->errors > 0 || res->cancelled > 0;
    _exit(bad ? 1 : 0);
}

static void two_batch_processes_never_overlap_on_a_file(void **state)
{
    bt_files f = bt_make_files(state, kSharedFiles);
    int start[2];
    assert_int_equal(pipe(start), 0);
    pid_t kids[2];
    for (int k = 0; k < 2; k++) {
        kids[k] = fork();
        assert_true(kids[k] >= 0);
        if (kids[k] == 0) {
            close(start[1]);
            batch_child(&f, start[0]);
        }
    }
    close(start[0]);
    close(start[1]); /* both children start now */
    for (int k = 0; k < 2; k++) {
        int st = 0;
        assert_int_equal(waitpid(kids[k], &st, 0), kids[k]);
        assert_true(WIFEXITED(st));
        assert_int_equal(WEXITSTATUS(st), 0);
    }
    for (size_t i = 0; i < f.count; i++) {
        char done[600], text[256];
        snprintf(done, sizeof done, "%s.done", f.paths[i]);
        assert_true(fl_test_read(done, text, sizeof text) > 0);
        snprintf(done, sizeof done, "%s.busy", f.paths[i]);
        assert_false(fl_test_exists(done));
    }
    bt_free_files(&f);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fl_test_setup_dir, fl_test_teardown_dir)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(file_held_by_another_process_is_locked_out),
        T(skip_mode_skips_a_file_held_elsewhere),
        T(disabled_locking_ignores_locks_and_creates_none),
        T(two_batch_processes_never_overlap_on_a_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
