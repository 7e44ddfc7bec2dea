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
    snprintf(args, sizeof args, "loop \"%s\" 100", fl_test_path(state, "shared.txt"));
    for (int i = 0; i < N; i++) win_spawn(&p[i], args);
    for (int i = 0; i < N; i++) {
        const char *line = win_line(&p[i]);
        assert_string_equal(line, "overlaps 0");
        assert_int_equal(win_finish(&p[i]), 0);
    }
    assert_false(fl_test_exists(fl_test_path(state, "shared.txt.lock")));  /* each release removed it */
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
    const char *target = fl_test_path(state, "t.txt");
    win_proc p;
    DWORD pid = win_hold(&p, target, NULL);

    fl_lock *l = new_lock(target, 0, 0);
    FL_ASSERT_RC(fl_acquire(l, 0), FL_EBUSY);
    assert_non_null(strstr(fl_last_error_message(), "held by pid"));
    FL_ASSERT_RC(fl_acquire(l, 100), FL_ETIMEDOUT);
    assert_int_equal(fl_is_locked(target, NULL), 1);
    int64_t holder = 0;
    FL_ASSERT_OK(fl_holder_pid(fl_test_path(state, "t.txt.lock"), &holder));
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
    win_hold(&p, target, NULL);
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
    const char *target = fl_test_path(state, "c.txt");
    const char *lock_path = fl_test_path(state, "c.txt.lock");
    win_proc p;
    DWORD pid = win_hold(&p, target, "keep");
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
    assert_false(fl_test_exists(lock_path));
}

/* Cleanup removes the crashed holder's lock file and leaves the live one. */
static void test_cleanup_removes_only_dead_holders(void **state)
{
    win_proc dead, live;
    win_hold(&dead, fl_test_path(state, "a.txt"), "keep");
    win_hold(&live, fl_test_path(state, "b.txt"), "keep");
    win_kill(&dead);

    fl_scan_options *so = NULL;
    FL_ASSERT_OK(fl_scan_options_new(&so));
    FL_ASSERT_OK(fl_scan_options_set_stale_threshold_ms(so, 0));
    fl_clean_report *r = NULL;
    FL_ASSERT_OK(fl_cleanup_stale_locks(((fl_test_dir *)*state)->path, so, &r));
    assert_int_equal(r->count, 1);
    assert_int_equal(r->error_count, 0);
    fl_clean_report_free(r);
    fl_scan_options_free(so);
    assert_false(fl_test_exists(fl_test_path(state, "a.txt.lock")));
    assert_true(fl_test_exists(fl_test_path(state, "b.txt.lock")));
    assert_int_equal(fl_is_locked(fl_test_path(state, "b.txt"), NULL), 1);
    assert_int_equal(win_finish(&live), 0);
}

/* Shared holders in two processes at once; an exclusive request is busy
 * while they hold, a shared one is not. */
static void test_shared_holders_coexist(void **state)
{
    const char *target = fl_test_path(state, "s.txt");
    win_proc a, b;
    win_hold(&a, target, "shared");
    win_hold(&b, target, "shared");
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
    win_proc p;
    win_hold(&p, fl_test_path(state, "f1"), NULL);
    const char *paths[] = {fl_test_path(state, "f0"), fl_test_path(state, "f1"), fl_test_path(state, "f2")};
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
        cmocka_unit_test_setup_teardown(test_exclusion_between_processes, fl_test_setup_dir, fl_test_teardown_dir),
        cmocka_unit_test_setup_teardown(test_holder_blocks_then_hands_over, fl_test_setup_dir, fl_test_teardown_dir),
        cmocka_unit_test_setup_teardown(test_crashed_holder_is_stale_and_taken_over, fl_test_setup_dir, fl_test_teardown_dir),
        cmocka_unit_test_setup_teardown(test_cleanup_removes_only_dead_holders, fl_test_setup_dir, fl_test_teardown_dir),
        cmocka_unit_test_setup_teardown(test_shared_holders_coexist, fl_test_setup_dir, fl_test_teardown_dir),
        cmocka_unit_test_setup_teardown(test_batch_skips_what_another_process_holds, fl_test_setup_dir, fl_test_teardown_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
