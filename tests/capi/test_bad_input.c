/* Bad input gets a clear error and touches nothing. */
#include "fl_test.h"

#include <errno.h>
#include <time.h>
#if defined(_WIN32)
/* What fl_last_os_error() reports there: the Windows error code. */
#define OS_ENOENT ERROR_PATH_NOT_FOUND
#define fl_test_mkdir(p) (CreateDirectoryA((p), NULL) ? 0 : -1)
#else
#include <sys/file.h>
#include <sys/wait.h>
#define OS_ENOENT ENOENT
#define OS_ENAMETOOLONG ENAMETOOLONG
#define fl_test_mkdir(p) mkdir((p), 0755)
#endif

static int acquire_once(const char *target, int64_t timeout)
{
    fl_lock *l = NULL;
    int rc = fl_lock_new(&l, target, NULL);
    if (rc == FL_OK) {
        rc = fl_acquire(l, timeout);
        fl_lock_free(l);
    }
    return rc;
}

static void test_target_is_a_directory(void **state)
{
    const char *dir = fl_test_path(state, "adir");
    assert_int_equal(fl_test_mkdir(dir), 0);
    fl_lock *l = NULL;
    assert_int_equal(fl_lock_new(&l, dir, NULL), FL_EINVAL);
    assert_non_null(strstr(fl_last_error_message(), "directory"));
    assert_int_equal(fl_lock_new(&l, fl_test_path(state, "trailing/"), NULL), FL_EINVAL);
    assert_int_equal(fl_lock_new(&l, "", NULL), FL_EINVAL);
    assert_false(fl_test_exists(fl_test_path(state, "adir.lock")));
}

#if !defined(_WIN32)  /* symlinks and FIFOs as POSIX makes them (Windows: tests/windows) */
static void test_symlink_at_lock_path_is_refused_and_victim_untouched(void **state)
{
    const char *victim = fl_test_path(state, "victim");
    fl_test_write(victim, "precious\n", 9);
    assert_int_equal(symlink(victim, fl_test_path(state, "t.lock")), 0);
    assert_int_equal(acquire_once(fl_test_path(state, "t"), 0), FL_EUNSAFE);
    assert_non_null(strstr(fl_last_error_message(), "symlink"));
    char buf[64];
    fl_test_read(victim, buf, sizeof buf);
    assert_string_equal(buf, "precious\n");
    /* Queries refuse it too, without following it. */
    assert_int_equal(fl_is_stale(fl_test_path(state, "t.lock"), 0), FL_EUNSAFE);
    int64_t pid;
    assert_int_equal(fl_holder_pid(fl_test_path(state, "t.lock"), &pid), FL_EUNSAFE);
}

static void test_dangling_symlink_creates_nothing(void **state)
{
    const char *where = fl_test_path(state, "created-by-attacker");
    assert_int_equal(symlink(where, fl_test_path(state, "t.lock")), 0);
    assert_int_equal(acquire_once(fl_test_path(state, "t"), 0), FL_EUNSAFE);
    assert_false(fl_test_exists(where));
}

static void test_fifo_at_lock_path_neither_hangs_nor_succeeds(void **state)
{
    assert_int_equal(mkfifo(fl_test_path(state, "p.lock"), 0644), 0);
    assert_int_equal(acquire_once(fl_test_path(state, "p"), 0), FL_EUNSAFE);
    assert_int_equal(acquire_once(fl_test_path(state, "p"), FL_WAIT_FOREVER), FL_EUNSAFE);
    assert_int_equal(fl_is_locked(fl_test_path(state, "p"), NULL), FL_EUNSAFE);
}

#endif

static void test_directory_at_lock_path(void **state)
{
    assert_int_equal(fl_test_mkdir(fl_test_path(state, "d.lock")), 0);
    assert_int_equal(acquire_once(fl_test_path(state, "d"), 1000), FL_EUNSAFE);
    struct stat st;
    assert_int_equal(stat(fl_test_path(state, "d.lock"), &st), 0);
    assert_true(S_ISDIR(st.st_mode));
}

static void test_missing_directory(void **state)
{
    assert_int_equal(acquire_once(fl_test_path(state, "no/such/dir/t"), 0), FL_ENOENT);
    assert_non_null(strstr(fl_last_error_message(), "no/such/dir"));
}

#if !defined(_WIN32)  /* permission bits and setuid */
static void test_unwritable_directory(void **state)
{
    /* Tests may run as root, which writes anywhere: drop to an unprivileged
     * user in a child to see what a normal user gets. */
    const char *dir = fl_test_path(state, "ro");
    assert_int_equal(mkdir(dir, 0555), 0);
    const char *target = fl_test_path(state, "ro/t");
    pid_t p = fork();
    if (p == 0) {
        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) _exit(3);
        int rc = acquire_once(target, 0);
        _exit(rc == FL_EPERM && strstr(fl_last_error_message(), "ro/t.lock") ? 0 : 1);
    }
    int st = 0;
    waitpid(p, &st, 0);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

#endif

static void test_leftover_records_are_overwritten_by_the_winner(void **state)
{
    /* An unheld empty file, a record with an impossible PID or one cut short
     * by a crash is no obstacle: the OS lock decides, and the winner rewrites
     * the record.  (Files that are not lock records: tests/safety.) */
    const char *lock = fl_test_path(state, "g.lock");
    const char *contents[] = {"", "0\n", "1099511627776\n",
                              "123\nv=1\nhost=h\nstart=9\nacqu",
                              "77\nv=1\nhost=a\nst\nacquired=1700000000000\ntag=old\n"};
    for (size_t i = 0; i < sizeof contents / sizeof *contents; i++) {
        fl_test_write(lock, contents[i], strlen(contents[i]));
        fl_lock *l = NULL;
        FL_ASSERT_OK(fl_lock_new(&l, fl_test_path(state, "g"), NULL));
        FL_ASSERT_OK(fl_acquire(l, 0));
        int64_t pid = 0;
        FL_ASSERT_OK(fl_holder_pid(lock, &pid));
        assert_int_equal(pid, fl_test_getpid());
        struct stat st;
        assert_int_equal(stat(lock, &st), 0);
        assert_true(st.st_size < 4096); /* truncated to the record */
        fl_lock_free(l);
    }
}

/* fl_acquire's code and, right after it, fl_last_os_error(). */
static int acquire_os(const char *target, int keep_deadlock_check, int *os)
{
    fl_options *o = NULL;
    fl_lock *l = NULL;
    FL_ASSERT_OK(fl_options_new(&o));
    FL_ASSERT_OK(fl_options_set_deadlock_check(o, keep_deadlock_check));
    int rc = fl_lock_new(&l, target, o);
    if (rc == FL_OK) rc = fl_acquire(l, 0);
    *os = fl_last_os_error();
    fl_lock_free(l);
    fl_options_free(o);
    return rc;
}

static void test_os_error_number_of_the_last_failure(void **state)
{
    int os = -1;
    assert_int_equal(acquire_os(fl_test_path(state, "no/such/dir/t"), 1, &os), FL_ENOENT);
    assert_int_equal(os, OS_ENOENT);

    char longname[300];
    memset(longname, 'a', 253);
    longname[253] = '\0';
#if defined(_WIN32)
    /* A name past 255 characters: the code depends on the file system (and
     * on Wine), but it is the OS's refusal, with its error number. */
    assert_true(acquire_os(fl_test_path(state, longname), 1, &os) < 0);
    assert_int_not_equal(os, 0);
#else
    assert_int_equal(acquire_os(fl_test_path(state, longname), 1, &os), FL_EIO);
    assert_int_equal(os, OS_ENAMETOOLONG);
#endif

    /* Not from the OS: a foreign file at the lock path, and contention. */
    fl_test_write(fl_test_path(state, "f.lock"), "{}\n", 3);
    assert_int_equal(acquire_os(fl_test_path(state, "f"), 1, &os), FL_EUNSAFE);
    assert_int_equal(os, 0);
    fl_lock *held = NULL;
    FL_ASSERT_OK(fl_lock_new(&held, fl_test_path(state, "b"), NULL));
    FL_ASSERT_OK(fl_acquire(held, 0));
    assert_int_equal(fl_last_os_error(), 0); /* a success clears it */
    assert_int_equal(acquire_os(fl_test_path(state, "b"), 0, &os), FL_EBUSY);
    assert_int_equal(os, 0);
    fl_lock_free(held);

#if !defined(_WIN32)
    /* EACCES, seen by an unprivileged user (tests may run as root). */
    const char *dir = fl_test_path(state, "ro2");
    assert_int_equal(mkdir(dir, 0555), 0);
    assert_int_equal(chmod(fl_test_path(state, ""), 0755), 0);
    const char *target = fl_test_path(state, "ro2/t");
    pid_t p = fork();
    if (p == 0) {
        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) _exit(3);
        int err = -1;
        int rc = acquire_os(target, 1, &err);
        _exit(rc == FL_EPERM && err == EACCES ? 0 : 1);
    }
    int st = 0;
    waitpid(p, &st, 0);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
#endif
}

static void test_bad_records_read_as_unknown(void **state)
{
    const char *lock = fl_test_path(state, "b.lock");
    const char *contents[] = {"garbage\n", "", "0\n", "-1\n", "1099511627776\n", "42\nno-equals\n"};
    for (size_t i = 0; i < 6; i++) {
        fl_test_write(lock, contents[i], strlen(contents[i]));
        fl_lock_info *info = NULL;
        FL_ASSERT_OK(fl_lock_info_read(lock, 0, &info));
        assert_int_equal(info->record_valid, 0);
        assert_int_equal(info->pid, 0);
        assert_int_equal(info->holder, FL_HOLDER_UNKNOWN);
        assert_int_equal(info->stale, 0);
        assert_true(strlen(info->reason) > 0);
        fl_lock_info_free(info);
        assert_int_equal(fl_is_stale(lock, 0), 0);
    }
    assert_int_equal(fl_is_stale(lock, -1), FL_EINVAL);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, fl_test_setup_dir, fl_test_teardown_dir)
    const struct CMUnitTest tests[] = {
        T(test_target_is_a_directory),
#if !defined(_WIN32)
        T(test_symlink_at_lock_path_is_refused_and_victim_untouched),
        T(test_dangling_symlink_creates_nothing),
        T(test_fifo_at_lock_path_neither_hangs_nor_succeeds),
#endif
        T(test_directory_at_lock_path),
        T(test_missing_directory),
#if !defined(_WIN32)
        T(test_unwritable_directory),
#endif
        T(test_leftover_records_are_overwritten_by_the_winner),
        T(test_bad_records_read_as_unknown),
        T(test_os_error_number_of_the_last_failure),
    };
    return cmocka_run_group_tests_name("bad_input", tests, NULL, NULL);
}
