/* The filelock command on Windows, run as a user runs it (CreateProcess of
 * the built filelock.exe): status, info, clean and wait against holders in
 * other processes, one of them crashed; run with its exit status, -c
 * through cmd.exe, exclusion while COMMAND runs, COMMAND ended with a
 * crashed filelock (the job object); batch saying it is POSIX-only. */
#include "win_test.h"

/* The built tool: <build>\cli\filelock.exe, from <build>\tests\windows\. */
static const char *tool(void)
{
    static char exe[2 * MAX_PATH];
    snprintf(exe, sizeof exe, "%s..\\..\\cli\\filelock.exe", win_here());
    return exe;
}

/* Run filelock with `args` to its end; its output in *out (static). */
static DWORD run_tool(const char *args, const char **out)
{
    static char buf[65536];
    win_proc p;
    win_spawn_exe(&p, tool(), args);
    CloseHandle(p.in);
    p.in = NULL;
    size_t n = 0;
    DWORD got;
    while (n + 1 < sizeof buf && ReadFile(p.out, buf + n, (DWORD)(sizeof buf - 1 - n), &got, NULL) && got > 0)
        n += got;
    buf[n] = '\0';
    if (out) *out = buf;
    return win_finish(&p);
}

static void test_version(void **state)
{
    (void)state;
    const char *out;
    assert_int_equal(run_tool("--version", &out), 0);
    assert_non_null(strstr(out, "filelock "));
}

/* A live holder and a crashed one: status tells them apart, info names the
 * holder, clean removes only the crashed one's lock file. */
static void test_status_info_clean(void **state)
{
    char args[4 * MAX_PATH];
    const char *dir = ((fl_test_dir *)*state)->path;
    win_proc live, dead;
    DWORD pid = win_hold(&live, fl_test_path(state, "a.txt"), "keep");
    win_hold(&dead, fl_test_path(state, "b.txt"), "keep");
    win_kill(&dead);

    const char *out;
    snprintf(args, sizeof args, "status -d \"%s\" --max-age-hours 0", dir);
    assert_int_equal(run_tool(args, &out), 0);
    assert_non_null(strstr(out, "held"));
    assert_non_null(strstr(out, "stale"));
    snprintf(args, sizeof args, "status -d \"%s\" --json --max-age-hours 0", dir);
    assert_int_equal(run_tool(args, &out), 0);
    assert_non_null(strstr(out, "\"state\": \"held\""));
    assert_non_null(strstr(out, "\"state\": \"stale\""));

    snprintf(args, sizeof args, "info \"%s\" --json", fl_test_path(state, "a.txt"));
    assert_int_equal(run_tool(args, &out), 0);
    char want[64];
    snprintf(want, sizeof want, "\"pid\": %lu", (unsigned long)pid);
    if (!strstr(out, want)) fail_msg("info does not name pid %lu: %s", (unsigned long)pid, out);

    snprintf(args, sizeof args, "clean -d \"%s\" --max-age-hours 0", dir);
    assert_int_equal(run_tool(args, &out), 0);
    assert_false(fl_test_exists(fl_test_path(state, "b.txt.lock")));
    assert_true(fl_test_exists(fl_test_path(state, "a.txt.lock")));
    assert_int_equal(win_finish(&live), 0);
}

static void test_wait(void **state)
{
    char args[4 * MAX_PATH];
    win_proc p;
    win_hold(&p, fl_test_path(state, "w.txt"), NULL);
    snprintf(args, sizeof args, "wait \"%s\" -t 0.3", fl_test_path(state, "w.txt"));
    assert_int_equal(run_tool(args, NULL), 75);
    assert_int_equal(win_finish(&p), 0);
    assert_int_equal(run_tool(args, NULL), 0);
}

static void test_run(void **state)
{
    char args[6 * MAX_PATH];
    const char *target = fl_test_path(state, "r.txt");
    const char *out;
    snprintf(args, sizeof args, "run \"%s\" -- cmd /c \"exit 3\"", target);
    assert_int_equal(run_tool(args, NULL), 3);
    assert_false(fl_test_exists(fl_test_path(state, "r.txt.lock")));
    snprintf(args, sizeof args, "run \"%s\" -- no-such-program-here", target);
    assert_int_equal(run_tool(args, &out), 127);
    /* While COMMAND runs the lock is held: a second run -n inside it is busy. */
    snprintf(args, sizeof args, "run \"%s\" -c \"\"%s\" run -n \"%s\" -- cmd /c exit 0\"", target, tool(), target);
    assert_int_equal(run_tool(args, &out), 1);
    assert_non_null(strstr(out, "lock busy"));
    /* -c through cmd.exe, and the fencing variable is not set for lock files. */
    snprintf(args, sizeof args, "run \"%s\" -c \"echo one & exit 4\"", target);
    assert_int_equal(run_tool(args, &out), 4);
    assert_non_null(strstr(out, "one"));
}

/* filelock crashes while COMMAND runs: the job object ends COMMAND, whose
 * lock the OS then drops; filelock's own lock file is left stale. */
static void test_crashed_run_ends_command(void **state)
{
    char args[6 * MAX_PATH];
    snprintf(args, sizeof args, "run \"%s\" -- \"%swin_child.exe\" hold \"%s\"", fl_test_path(state, "k.txt"),
             win_here(), fl_test_path(state, "inner.txt"));
    win_proc p;
    win_spawn_exe(&p, tool(), args);
    win_expect_held(&p);  /* COMMAND's line, through filelock's output */
    /* Its input stays open: COMMAND must be ended by the job, not by EOF. */
    assert_true(TerminateProcess(p.pi.hProcess, 137));
    assert_int_equal(WaitForSingleObject(p.pi.hProcess, 60000), WAIT_OBJECT_0);
    fl_lock *l = NULL;
    FL_ASSERT_OK(fl_lock_new(&l, fl_test_path(state, "inner.txt"), NULL));
    FL_ASSERT_OK(fl_acquire(l, 30000));
    FL_ASSERT_OK(fl_release(l));
    fl_lock_free(l);
    win_finish(&p);
    assert_int_equal(fl_is_stale(fl_test_path(state, "k.txt.lock"), 0), 1);
}

static void test_batch_says_posix_only(void **state)
{
    (void)state;
    const char *out;
    assert_int_equal(run_tool("batch x -- y", &out), 69);
    assert_non_null(strstr(out, "not available on Windows"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version),
        cmocka_unit_test_setup_teardown(test_status_info_clean, fl_test_setup_dir, fl_test_teardown_dir),
        cmocka_unit_test_setup_teardown(test_wait, fl_test_setup_dir, fl_test_teardown_dir),
        cmocka_unit_test_setup_teardown(test_run, fl_test_setup_dir, fl_test_teardown_dir),
        cmocka_unit_test_setup_teardown(test_crashed_run_ends_command, fl_test_setup_dir, fl_test_teardown_dir),
        cmocka_unit_test(test_batch_says_posix_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
