/* Locks between real Windows processes: win_child copies started with
 * CreateProcess, a holder crashed with TerminateProcess, stale records
 * judged by OpenProcess and the process's creation time, and cleanup. */
#include "win_test.h"

static fl_lock *new_lock(const char *target, int shared, int keep)
{
    fl_options *o = NULL;
    fl_lock *l = NULL;
    assert_int_equal(fl_options_new(&o), FL_OK);
    fl_options_set_shared(o, shared);
    if (keep) fl_options_set_remove_on_release(o, 0);
    FL_ASSERT_OK(fl_lock_new(&l, target, o));
    fl_options_free(o);
    return l;
}

/* Four processes each take the lock 100 times and check, with a file that
 * only one of them can create at a time, that no two are ever inside. */
static void test_exclusion_between_processes(void **state)
{
    enum { N = 4 };
    win_proc p[N];
    char args[2 * MAX_PATH];
    snprintf(args, sizeof args, "loop \"%s\" 100", win_path(state, "shared.txt"));
    for (int i = 0; i < N; i++) win_spawn(&p[i], args);
    for (int i = 0; i < N; i++) {
        const char *line = win_line(&p[i]);
        assert_string_equal(line, "overlaps 0");
        assert_int_equal(win_finish(&p[i]), 0);
    }
    assert_false(win_exists(win_path(state, "shared.txt.lock")));  /* each release removed it */
}

static DWORD WINAPI close_later(LPVOID arg)
{
    Sleep(200);
    CloseHandle((HANDLE)arg);
    return 0;
}

/* A holder in another process: busy, its PID named; a timed wait and then a
 * forever wait are handed the lock when it lets go. */
static void test_holder_blocks_then_hands_over(void **state)
{
    const char *target = win_path(state, "t.txt");
    char args[2 * MAX_PATH];
    snprintf(args, sizeof args, "hold \"%s\"", target);
    win_proc p;
    win_spawn(&p, args);
    DWORD pid = win_expect_held(&p);

    fl_lock *l = new_lock(target, 0, 0);
    FL_ASSERT_RC(fl_acquire(l, 0), FL_EBUSY);
    assert_non_null(strstr(fl_last_error_message(), "held by pid"));
    FL_ASSERT_RC(fl_acquire(l, 100), FL_ETIMEDOUT);
    assert_int_equal(fl_is_locked(target, NULL), 1);
    int64_t holder = 0;
    FL_ASSERT_OK(fl_holder_pid(win_path(state, "t.txt.lock"), &holder));
    assert_int_equal(holder, (int64_t)pid);
    assert_int_equal(fl_process_is_running(holder), 1);

    HANDLE t = CreateThread(NULL, 0, close_later, p.in, 0, NULL);
    p.in = NULL;
    FL_ASSERT_OK(fl_acquire(l, 60000));  /* woken by the change notification */
    WaitForSingleObject(t, INFINITE);
    CloseHandle(t);
    assert_int_equal(win_finish(&p), 0);
    FL_ASSERT_OK(fl_release(l));

    /* Again with no deadline: the kernel wait of LockFileEx. */
    win_spawn(&p, args);
    win_expect_held(&p);
    t = CreateThread(NULL, 0, close_later, p.in, 0, NULL);
    p.in = NULL;
    FL_ASSERT_OK(fl_acquire(l, FL_WAIT_FOREVER));
    WaitForSingleObject(t, INFINITE);
    CloseHandle(t);
    assert_int_equal(win_finish(&p), 0);
    FL_ASSERT_OK(fl_release(l));
    fl_lock_free(l);
}

/* TerminateProcess of a holder: Windows drops its lock, its record names a
 * process that is gone, and the next acquirer takes the file over. */
static void test_crashed_holder_is_stale_and_taken_over(void **state)
{
    const char *target = win_path(state, "c.txt");
    const char *lock_path = win_path(state, "c.txt.lock");
    char args[2 * MAX_PATH];
    snprintf(args, sizeof args, "hold \"%s\" keep", target);
    win_proc p;
    win_spawn(&p, args);
    DWORD pid = win_expect_held(&p);
    assert_int_equal(fl_is_stale(lock_path, 0), 0);  /* held: never stale */
    win_kill(&p);

    assert_int_equal(fl_process_is_running(pid), 0);
    assert_int_equal(fl_is_locked(target, NULL), 0);
    fl_lock_info *info = NULL;
    FL_ASSERT_OK(fl_lock_info_read(lock_path, 0, &info));
    assert_int_equal(info->pid, (int64_t)pid);
    assert_int_equal(info->held, 0);
    assert_int_equal(info->holder, FL_HOLDER_DEAD);
    assert_int_equal(info->stale, 1);
    assert_true(info->start_token > 0);  /* the creation time was recorded */
    fl_lock_info_free(info);
    assert_int_equal(fl_is_stale(lock_path, 0), 1);

    fl_lock *l = new_lock(target, 0, 0);
    FL_ASSERT_OK(fl_acquire(l, 0));
    int64_t holder = 0;
    FL_ASSERT_OK(fl_holder_pid(lock_path, &holder));
    assert_int_equal(holder, (int64_t)GetCurrentProcessId());
    FL_ASSERT_OK(fl_release(l));
    fl_lock_free(l);
    assert_false(win_exists(lock_path));
}

/* Cleanup removes the crashed holder's lock file and leaves the live one. */
static void test_cleanup_removes_only_dead_holders(void **state)
{
    char args[2 * MAX_PATH];
    win_proc dead, live;
    snprintf(args, sizeof args, "hold \"%s\" keep", win_path(state, "a.txt"));
    win_spawn(&dead, args);
    win_expect_held(&dead);
    snprintf(args, sizeof args, "hold \"%s\" keep", win_path(state, "b.txt"));
    win_spawn(&live, args);
    win_expect_held(&live);
    win_kill(&dead);

    fl_scan_options *so = NULL;
    FL_ASSERT_OK(fl_scan_options_new(&so));
    FL_ASSERT_OK(fl_scan_options_set_stale_threshold_ms(so, 0));
    fl_clean_report *r = NULL;
    FL_ASSERT_OK(fl_cleanup_stale_locks(((win_dir *)*state)->path, so, &r));
    assert_int_equal(r->count, 1);
    assert_int_equal(r->error_count, 0);
    fl_clean_report_free(r);
    fl_scan_options_free(so);
    assert_false(win_exists(win_path(state, "a.txt.lock")));
    assert_true(win_exists(win_path(state, "b.txt.lock")));
    assert_int_equal(fl_is_locked(win_path(state, "b.txt"), NULL), 1);
    assert_int_equal(win_finish(&live), 0);
}

/* Shared holders in two processes at once; an exclusive request is busy
 * while they hold, a shared one is not. */
static void test_shared_holders_coexist(void **state)
{
    const char *target = win_path(state, "s.txt");
    char args[2 * MAX_PATH];
    snprintf(args, sizeof args, "hold \"%s\" shared", target);
    win_proc a, b;
    win_spawn(&a, args);
    win_expect_held(&a);
    win_spawn(&b, args);
    win_expect_held(&b);
    fl_lock *x = new_lock(target, 0, 0), *s = new_lock(target, 1, 0);
    FL_ASSERT_RC(fl_acquire(x, 0), FL_EBUSY);
    FL_ASSERT_OK(fl_acquire(s, 0));
    FL_ASSERT_OK(fl_release(s));
    assert_int_equal(win_finish(&a), 0);
    assert_int_equal(win_finish(&b), 0);
    FL_ASSERT_OK(fl_acquire(x, 5000));
    FL_ASSERT_OK(fl_release(x));
    fl_lock_free(x);
    fl_lock_free(s);
}

static int count_call(const char *path, void *user)
{
    (void)path;
    InterlockedIncrement((volatile LONG *)user);
    return 0;
}

/* fl_batch_run on Windows: each file under its lock on worker threads, a
 * file another process holds skipped in skip-locked mode. */
static void test_batch_skips_what_another_process_holds(void **state)
{
    char args[2 * MAX_PATH];
    win_proc p;
    snprintf(args, sizeof args, "hold \"%s\"", win_path(state, "f1"));
    win_spawn(&p, args);
    win_expect_held(&p);
    const char *paths[] = {win_path(state, "f0"), win_path(state, "f1"), win_path(state, "f2")};
    fl_batch *b = NULL;
    FL_ASSERT_OK(fl_batch_new(&b, NULL));
    FL_ASSERT_OK(fl_batch_set_workers(b, 2));
    FL_ASSERT_OK(fl_batch_set_skip_locked(b, 1));
    volatile LONG calls = 0;
    fl_batch_results *r = NULL;
    FL_ASSERT_OK(fl_batch_run(b, paths, 3, count_call, (void *)&calls, &r));
    assert_int_equal(r->count, 3);
    assert_int_equal(r->items[0]->status, FL_FILE_DONE);
    assert_int_equal(r->items[1]->status, FL_FILE_SKIPPED);
    assert_int_equal(r->items[2]->status, FL_FILE_DONE);
    assert_int_equal(calls, 2);
    fl_batch_results_free(r);
    fl_batch_free(b);
    assert_int_equal(win_finish(&p), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_exclusion_between_processes, win_setup_dir, win_teardown_dir),
        cmocka_unit_test_setup_teardown(test_holder_blocks_then_hands_over, win_setup_dir, win_teardown_dir),
        cmocka_unit_test_setup_teardown(test_crashed_holder_is_stale_and_taken_over, win_setup_dir, win_teardown_dir),
        cmocka_unit_test_setup_teardown(test_cleanup_removes_only_dead_holders, win_setup_dir, win_teardown_dir),
        cmocka_unit_test_setup_teardown(test_shared_holders_coexist, win_setup_dir, win_teardown_dir),
        cmocka_unit_test_setup_teardown(test_batch_skips_what_another_process_holds, win_setup_dir, win_teardown_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
