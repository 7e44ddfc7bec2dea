/* Black-box tests of the lock API through the shared library only. */
#include "fl_test.h"

#include <errno.h>
#include <signal.h>
#if !defined(_WIN32)
#include <sys/file.h>
#include <sys/wait.h>
#endif

static fl_lock *new_lock(const char *target, fl_options *o)
{
    fl_lock *l = NULL;
    FL_ASSERT_OK(fl_lock_new(&l, target, o));
    return l;
}

static void test_version_and_errors(void **state)
{
    (void)state;
    assert_int_equal(fl_version_number(), FL_LIB_VERSION_NUMBER);
    assert_string_equal(fl_version_string(), FL_LIB_VERSION_STRING);
    assert_string_equal(fl_strerror(FL_OK), "success");
    assert_string_equal(fl_strerror(12345), "unknown error");
    assert_string_equal(fl_strerror(-9999), "unknown error");
    /* Pinned values: never renumbered. */
    assert_int_equal(FL_EBUSY, -1);
    assert_int_equal(FL_ETIMEDOUT, -2);
    assert_int_equal(FL_EDEADLK, -3);
    assert_int_equal(FL_EFORKED, -4);
    assert_int_equal(FL_EINVAL, -5);
    assert_int_equal(FL_EUNSAFE, -8);
    assert_int_equal(FL_EINTERNAL, -12);
    for (int c = FL_OK; c > FL_ERROR_LAST_; c--) assert_string_not_equal(fl_strerror(c), "unknown error");
    assert_non_null(fl_last_error_message());
}

static void test_null_and_foreign_handles(void **state)
{
    (void)state;
    fl_lock *l = NULL;
    assert_int_equal(fl_lock_new(NULL, "x", NULL), FL_EINVAL);
    assert_int_equal(fl_lock_new(&l, NULL, NULL), FL_EINVAL);
    assert_null(l);
    assert_int_equal(fl_acquire(NULL, 0), FL_EINVAL);
    assert_int_equal(fl_release(NULL), FL_EINVAL);
    assert_int_equal(fl_lock_is_held(NULL), FL_EINVAL);
    assert_null(fl_lock_path(NULL));
    fl_lock_free(NULL);
    fl_options_free(NULL);
    /* An options handle passed where a lock handle belongs. */
    fl_options *o = NULL;
    FL_ASSERT_OK(fl_options_new(&o));
    assert_int_equal(fl_acquire((fl_lock *)o, 0), FL_EINVAL);
    assert_int_equal(fl_lock_new(&l, "x", (const fl_options *)"not options"), FL_EINVAL);
    fl_options_free(o);
    assert_int_equal(fl_is_stale(NULL, 0), FL_EINVAL);
    assert_int_equal(fl_process_is_running(0), FL_EINVAL);
    assert_int_equal(fl_process_is_running(-1), FL_EINVAL);
    assert_int_equal(fl_process_is_running((int64_t)1 << 40), FL_EINVAL);
}

static void test_option_validation(void **state)
{
    (void)state;
    fl_options *o = NULL;
    FL_ASSERT_OK(fl_options_new(&o));
    assert_int_equal(fl_options_set_timeout_ms(o, -5), FL_EINVAL);
    FL_ASSERT_OK(fl_options_set_timeout_ms(o, FL_WAIT_FOREVER));
    assert_int_equal(fl_options_set_poll_interval_ms(o, 0), FL_EINVAL);
    assert_int_equal(fl_options_set_file_mode(o, 010000), FL_EINVAL);
    assert_int_equal(fl_options_set_tag(o, "two\nlines"), FL_EINVAL);
    char longtag[300];
    memset(longtag, 'a', sizeof longtag - 1);
    longtag[299] = '\0';
    assert_int_equal(fl_options_set_tag(o, longtag), FL_EINVAL);
    assert_non_null(strstr(fl_last_error_message(), "256"));
    FL_ASSERT_OK(fl_options_set_tag(o, "nightly"));
    fl_options *c = NULL;
    FL_ASSERT_OK(fl_options_clone(&c, o));
    fl_options_free(o);
    fl_options_free(c);
}

static void test_acquire_release_cycle(void **state)
{
    const char *target = fl_test_path(state, "report.pptx");
    fl_options *o = NULL;
    FL_ASSERT_OK(fl_options_new(&o));
    FL_ASSERT_OK(fl_options_set_tag(o, "job-7"));
    fl_lock *l = new_lock(target, o);
    fl_options_free(o); /* the handle keeps its own copy */
    assert_string_equal(fl_lock_path(l), fl_test_path(state, "report.pptx.lock"));
    assert_string_equal(fl_lock_target_path(l), target);
    assert_int_equal(fl_is_locked(target, NULL), 0);
    assert_false(fl_test_exists(fl_lock_path(l))); /* nothing touched before acquire */
    FL_ASSERT_OK(fl_acquire(l, 0));
    assert_int_equal(fl_lock_is_held(l), 1);
    assert_int_equal(fl_is_locked(target, NULL), 1);
    int64_t pid = 0;
    FL_ASSERT_OK(fl_holder_pid(fl_lock_path(l), &pid));
    assert_int_equal(pid, fl_test_getpid());
    fl_lock_info *info = NULL;
    FL_ASSERT_OK(fl_lock_info_read(fl_lock_path(l), 0, &info));
    assert_true(info->struct_size >= sizeof(fl_lock_info));
    assert_int_equal(info->pid, fl_test_getpid());
    assert_int_equal(info->held, 1);
    assert_int_equal(info->holder, FL_HOLDER_ALIVE);
    assert_int_equal(info->stale, 0);
    assert_int_equal(info->record_valid, 1);
    assert_string_equal(info->tag, "job-7");
    assert_string_equal(info->target_path, target);
    assert_true(info->start_token > 0);
    fl_lock_info_free(info);
    FL_ASSERT_OK(fl_release(l));
    assert_int_equal(fl_lock_is_held(l), 0);
    assert_false(fl_test_exists(fl_test_path(state, "report.pptx.lock")));
    FL_ASSERT_OK(fl_release(l)); /* idempotent */
    fl_lock_free(l);
}

static void test_free_releases(void **state)
{
    const char *target = fl_test_path(state, "t");
    fl_lock *l = new_lock(target, NULL);
    FL_ASSERT_OK(fl_acquire(l, 0));
    FL_ASSERT_OK(fl_acquire(l, 0)); /* nested */
    fl_lock_free(l);
    assert_int_equal(fl_is_locked(target, NULL), 0);
    assert_false(fl_test_exists(fl_test_path(state, "t.lock")));
}

static void test_queries_create_nothing(void **state)
{
    const char *target = fl_test_path(state, "q");
    assert_int_equal(fl_is_locked(target, NULL), 0);
    FL_ASSERT_OK(fl_wait_released(target, NULL, 0));
    int64_t pid = 7;
    assert_int_equal(fl_holder_pid(fl_test_path(state, "q.lock"), &pid), FL_ENOENT);
    assert_int_equal(fl_is_stale(fl_test_path(state, "q.lock"), 0), FL_ENOENT);
    assert_false(fl_test_exists(fl_test_path(state, "q.lock")));
    assert_int_equal(fl_process_is_running(fl_test_getpid()), 1);
}

#if !defined(_WIN32)  /* fork and descriptors: POSIX only */
static void test_fork_child_cannot_release_parents_lock(void **state)
{
    const char *target = fl_test_path(state, "f");
    fl_lock *l = new_lock(target, NULL);
    FL_ASSERT_OK(fl_acquire(l, 0));
    pid_t p = fork();
    if (p == 0) {
        int ok = fl_acquire(l, 0) == FL_EFORKED && fl_release(l) == FL_EFORKED &&
                 fl_lock_is_held(l) == FL_EFORKED;
        fl_lock_free(l); /* closes the inherited descriptor only */
        _exit(ok ? 0 : 1);
    }
    int st = 0;
    waitpid(p, &st, 0);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    /* The parent still holds, and the file is still there. */
    assert_int_equal(fl_lock_is_held(l), 1);
    assert_int_equal(fl_is_locked(target, NULL), 1);
    assert_true(fl_test_exists(fl_test_path(state, "f.lock")));
    FL_ASSERT_OK(fl_release(l));
    fl_lock_free(l);
}

static void test_release_in_parent_with_child_holding_fd(void **state)
{
    /* A child that inherited the descriptor keeps it open; the parent's
     * release must still free the lock (explicit unlock, not just close). */
    const char *target = fl_test_path(state, "g");
    fl_lock *l = new_lock(target, NULL);
    FL_ASSERT_OK(fl_acquire(l, 0));
    int go[2];
    assert_int_equal(pipe(go), 0);
    pid_t p = fork();
    if (p == 0) {
        char c;
        close(go[1]);
        while (read(go[0], &c, 1) > 0) {
        }
        _exit(0);
    }
    close(go[0]);
    FL_ASSERT_OK(fl_release(l));
    assert_int_equal(fl_is_locked(target, NULL), 0);
    fl_lock *m = new_lock(target, NULL);
    FL_ASSERT_OK(fl_acquire(m, 0));
    fl_lock_free(m);
    close(go[1]);
    waitpid(p, NULL, 0);
    fl_lock_free(l);
}

static void test_descriptor_is_close_on_exec(void **state)
{
    const char *target = fl_test_path(state, "e");
    fl_lock *l = new_lock(target, NULL);
    FL_ASSERT_OK(fl_acquire(l, 0));
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "ls -l /proc/self/fd/ | grep -c -F '%s' > '%s'", fl_lock_path(l),
             fl_test_path(state, "fds.txt"));
    (void)!system(cmd);
    char out[64] = "";
    fl_test_read(fl_test_path(state, "fds.txt"), out, sizeof out);
    assert_int_equal(atoi(out), 0);
    fl_lock_free(l);
}

#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version_and_errors),
        cmocka_unit_test(test_null_and_foreign_handles),
        cmocka_unit_test(test_option_validation),
        cmocka_unit_test_setup_teardown(test_acquire_release_cycle, fl_test_setup_dir, fl_test_teardown_dir),
        cmocka_unit_test_setup_teardown(test_free_releases, fl_test_setup_dir, fl_test_teardown_dir),
        cmocka_unit_test_setup_teardown(test_queries_create_nothing, fl_test_setup_dir, fl_test_teardown_dir),
#if !defined(_WIN32)
        cmocka_unit_test_setup_teardown(test_fork_child_cannot_release_parents_lock, fl_test_setup_dir, fl_test_teardown_dir),
        cmocka_unit_test_setup_teardown(test_release_in_parent_with_child_holding_fd, fl_test_setup_dir, fl_test_teardown_dir),
        cmocka_unit_test_setup_teardown(test_descriptor_is_close_on_exec, fl_test_setup_dir, fl_test_teardown_dir),
#endif
    };
    return cmocka_run_group_tests_name("lock_api", tests, NULL, NULL);
}
