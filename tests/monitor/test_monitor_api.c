/* The monitor and cleanup C API, black box: fl_scan_options_*, fl_scan,
 * fl_cleanup_stale_locks, fl_remove_if_stale and their result structs. */
#include "mon_test.h"

#include <sys/stat.h>
#include <sys/types.h>

#define P(name) fl_test_path(state, name)

/* The tree every scan test uses, and the lock it holds (free with
 * fl_lock_free). */
typedef struct tree {
    fl_lock *held;
    long stale_pid;
} tree;

static tree make_tree(void **state)
{
    tree t = {NULL, 0};
    t.stale_pid = mon_write_dead_record(P("stale.lock"), 2 * MON_HOUR_MS);
    mon_write_dead_record(P("young.lock"), 0);
    fl_test_write(P("garbage.lock"), "no record here\n", 15);
    fl_test_write(P("empty.lock"), "", 0);
    mon_write_dead_record(P("notalock.txt"), 2 * MON_HOUR_MS);
    mon_write_dead_record(P("target"), 2 * MON_HOUR_MS);
    assert_int_equal(symlink("target", P("link.lock")), 0);
    assert_int_equal(mkfifo(P("fifo.lock"), 0644), 0);
    assert_int_equal(mkdir(P("sub"), 0755), 0);
    mon_write_dead_record(P("sub/deep.lock"), 2 * MON_HOUR_MS);

    /* Held by this process; its record then made to look abandoned, so that
     * only the OS lock keeps it from being stale. */
    fl_options *o = NULL;
    FL_ASSERT_OK(fl_options_new(&o));
    FL_ASSERT_OK(fl_options_set_remove_on_release(o, 0));
    FL_ASSERT_OK(fl_lock_new(&t.held, P("held"), o));
    fl_options_free(o);
    FL_ASSERT_OK(fl_acquire(t.held, 0));
    mon_write_dead_record(P("held.lock"), 2 * MON_HOUR_MS);
    return t;
}

static const fl_lock_info *find(const fl_lock_list *l, const char *path)
{
    for (size_t i = 0; i < l->count; i++)
        if (strcmp(l->items[i]->lock_path, path) == 0) return l->items[i];
    return NULL;
}

static void test_scan_options_validate(void **state)
{
    (void)state;
    fl_scan_options *so = NULL;
    assert_int_equal(fl_scan_options_new(NULL), FL_EINVAL);
    FL_ASSERT_OK(fl_scan_options_new(&so));
    assert_int_equal(fl_scan_options_set_stale_threshold_ms(so, -1), FL_EINVAL);
    assert_int_equal(fl_scan_options_set_max_depth(so, -2), FL_EINVAL);
    assert_true(strlen(fl_last_error_message()) > 0);
    FL_ASSERT_OK(fl_scan_options_set_max_depth(so, -1));
    FL_ASSERT_OK(fl_scan_options_set_max_depth(so, 0));
    FL_ASSERT_OK(fl_scan_options_set_stale_threshold_ms(so, 0));
    FL_ASSERT_OK(fl_scan_options_set_recursive(so, 0));
    FL_ASSERT_OK(fl_scan_options_set_cross_filesystems(so, 1));
    FL_ASSERT_OK(fl_scan_options_set_dry_run(so, 1));
    assert_int_equal(fl_scan_options_set_recursive(NULL, 1), FL_EINVAL);
    assert_int_equal(fl_scan_options_set_dry_run(NULL, 1), FL_EINVAL);
    /* A handle of another type is refused, not misread. */
    fl_options *lock_opts = NULL;
    FL_ASSERT_OK(fl_options_new(&lock_opts));
    assert_int_equal(fl_scan_options_set_dry_run((fl_scan_options *)lock_opts, 1), FL_EINVAL);
    fl_lock_list *l = NULL;
    assert_int_equal(fl_scan("/tmp", (const fl_scan_options *)lock_opts, &l), FL_EINVAL);
    assert_null(l);
    fl_options_free(lock_opts);
    fl_scan_options_free(so);
    fl_scan_options_free(NULL);
    fl_lock_list_free(NULL);
    fl_clean_report_free(NULL);
}

static void test_scan_bad_arguments(void **state)
{
    fl_lock_list *l = (fl_lock_list *)&l;
    fl_clean_report *r = NULL;
    assert_int_equal(fl_scan(NULL, NULL, &l), FL_EINVAL);
    assert_int_equal(fl_scan(P(""), NULL, NULL), FL_EINVAL);
    assert_int_equal(fl_scan("", NULL, &l), FL_EINVAL);
    assert_int_equal(fl_scan(P("missing"), NULL, &l), FL_ENOENT);
    assert_null(l);
    assert_non_null(strstr(fl_last_error_message(), "missing"));
    fl_test_write(P("file"), "x", 1);
    assert_int_equal(fl_scan(P("file"), NULL, &l), FL_EINVAL);
    assert_int_equal(fl_cleanup_stale_locks(NULL, NULL, &r), FL_EINVAL);
    assert_int_equal(fl_cleanup_stale_locks(P("missing"), NULL, &r), FL_ENOENT);
    assert_null(r);
    assert_int_equal(fl_remove_if_stale(NULL, 0), FL_EINVAL);
    assert_int_equal(fl_remove_if_stale(P("x.lock"), -1), FL_EINVAL);
}

static void test_scan_lists_and_judges_the_tree(void **state)
{
    tree t = make_tree(state);
    fl_lock_list *l = NULL;
    FL_ASSERT_OK(fl_scan(((fl_test_dir *)*state)->path, NULL, &l));
    assert_int_equal(l->struct_size, sizeof(fl_lock_list));
    assert_int_equal(l->error_count, 0);
    /* held, stale, young, garbage, empty, link, fifo, sub/deep - not the .txt */
    assert_int_equal(l->count, 8);
    for (size_t i = 0; i < l->count; i++) {
        const fl_lock_info *in = l->items[i];
        assert_int_equal(in->struct_size, sizeof(fl_lock_info));
        assert_non_null(in->target_path);
        assert_non_null(in->host);
        assert_non_null(in->tag);
        assert_true(strlen(in->reason) > 0);
        if (i > 0) assert_true(strcmp(l->items[i - 1]->lock_path, in->lock_path) < 0);
    }
    const fl_lock_info *s = find(l, P("stale.lock"));
    assert_non_null(s);
    assert_int_equal(s->stale, 1);
    assert_int_equal(s->held, 0);
    assert_int_equal(s->holder, FL_HOLDER_DEAD);
    assert_int_equal(s->record_valid, 1);
    assert_int_equal(s->pid, t.stale_pid);
    assert_true(s->age_ms >= 2 * MON_HOUR_MS);
    assert_string_equal(s->target_path, P("stale"));

    const fl_lock_info *h = find(l, P("held.lock"));
    assert_non_null(h);
    assert_int_equal(h->held, 1);
    assert_int_equal(h->stale, 0);
    assert_int_equal(find(l, P("young.lock"))->stale, 0);
    assert_int_equal(find(l, P("sub/deep.lock"))->stale, 1);
    const fl_lock_info *g = find(l, P("garbage.lock"));
    assert_int_equal(g->record_valid, 0);
    assert_int_equal(g->holder, FL_HOLDER_UNKNOWN);
    assert_int_equal(g->pid, 0);
    const fl_lock_info *k = find(l, P("link.lock"));
    assert_int_equal(k->record_valid, 0);
    assert_int_equal(k->held, -1);
    assert_non_null(strstr(k->reason, "symlink"));
    assert_non_null(strstr(find(l, P("fifo.lock"))->reason, "FIFO"));
    fl_lock_list_free(l);
    fl_lock_free(t.held);
}

static void test_scan_depth_options(void **state)
{
    tree t = make_tree(state);
    fl_scan_options *so = NULL;
    fl_lock_list *l = NULL;
    FL_ASSERT_OK(fl_scan_options_new(&so));
    FL_ASSERT_OK(fl_scan_options_set_recursive(so, 0));
    FL_ASSERT_OK(fl_scan(((fl_test_dir *)*state)->path, so, &l));
    assert_null(find(l, P("sub/deep.lock")));
    assert_non_null(find(l, P("stale.lock")));
    fl_lock_list_free(l);
    FL_ASSERT_OK(fl_scan_options_set_recursive(so, 1));
    FL_ASSERT_OK(fl_scan_options_set_max_depth(so, 1));
    FL_ASSERT_OK(fl_scan(((fl_test_dir *)*state)->path, so, &l));
    assert_non_null(find(l, P("sub/deep.lock")));
    fl_lock_list_free(l);
    fl_scan_options_free(so);
    fl_lock_free(t.held);
}

/* The child's verdict, as an exit code: 0 as expected, 77 cannot drop
 * privileges, other = what went wrong. */
static int scan_unreadable_as_user(const char *dir, const char *locked)
{
    if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) return 77;
    if (access(dir, R_OK | X_OK) != 0) return 77;
    fl_lock_list *l = NULL;
    if (fl_scan(dir, NULL, &l) != FL_OK) return 1;
    int rc = 0;
    if (l->error_count != 1) rc = 2;
    else if (l->errors[0]->code != FL_EPERM) rc = 3;
    else if (strcmp(l->errors[0]->path, locked) != 0) rc = 4;
    else if (strlen(l->errors[0]->message) == 0) rc = 5;
    else if (l->count != 1 || strstr(l->items[0]->lock_path, "ok.lock") == NULL) rc = 6;
    fl_lock_list_free(l);
    return rc;
}

static void test_scan_reports_unreadable_directory(void **state)
{
    const char *dir = ((fl_test_dir *)*state)->path;
    assert_int_equal(chmod(dir, 0755), 0);
    assert_int_equal(mkdir(P("locked"), 0755), 0);
    fl_test_write(P("locked/hidden.lock"), "1\n", 2);
    fl_test_write(P("ok.lock"), "1\n", 2);
    assert_int_equal(chmod(P("locked"), 0), 0);
    /* Root reads through permission bits: the scan runs as nobody then. */
    pid_t p = fork();
    if (p == 0) _exit(scan_unreadable_as_user(dir, P("locked")));
    int st = 0;
    waitpid(p, &st, 0);
    chmod(P("locked"), 0755);
    assert_true(WIFEXITED(st));
    if (WEXITSTATUS(st) == 77) {
        print_message("root, and uid 65534 cannot reach %s: skipped (root reads any directory)\n", dir);
        skip();
    }
    assert_int_equal(WEXITSTATUS(st), 0);
}

static void test_cleanup_removes_only_stale(void **state)
{
    tree t = make_tree(state);
    fl_clean_report *r = NULL;
    FL_ASSERT_OK(fl_cleanup_stale_locks(((fl_test_dir *)*state)->path, NULL, &r));
    assert_int_equal(r->struct_size, sizeof(fl_clean_report));
    assert_int_equal(r->dry_run, 0);
    assert_int_equal(r->error_count, 0);
    assert_int_equal(r->count, 2);
    assert_int_equal(r->stale_count, 2);
    assert_string_equal(r->stale_locks[0]->lock_path, P("stale.lock"));
    assert_string_equal(r->stale_locks[1]->lock_path, P("sub/deep.lock"));
    assert_int_equal(r->stale_locks[0]->pid, t.stale_pid);
    assert_int_equal(r->stale_locks[0]->stale, 1);
    fl_clean_report_free(r);
    assert_false(fl_test_exists(P("stale.lock")));
    assert_false(fl_test_exists(P("sub/deep.lock")));
    const char *kept[] = {"held.lock", "young.lock", "garbage.lock", "empty.lock", "link.lock",
                          "fifo.lock", "target",     "notalock.txt"};
    for (size_t i = 0; i < sizeof kept / sizeof *kept; i++) assert_true(fl_test_exists(P(kept[i])));
    assert_int_equal(fl_lock_is_held(t.held), 1);
    fl_lock_free(t.held);
}

static void test_cleanup_dry_run_removes_nothing(void **state)
{
    tree t = make_tree(state);
    fl_scan_options *so = NULL;
    FL_ASSERT_OK(fl_scan_options_new(&so));
    FL_ASSERT_OK(fl_scan_options_set_dry_run(so, 1));
    FL_ASSERT_OK(fl_scan_options_set_stale_threshold_ms(so, 0));
    fl_clean_report *r = NULL;
    FL_ASSERT_OK(fl_cleanup_stale_locks(((fl_test_dir *)*state)->path, so, &r));
    assert_int_equal(r->dry_run, 1);
    /* threshold 0: the young dead one counts too; the held one never does */
    assert_int_equal(r->count, 3);
    for (size_t i = 0; i < r->stale_count; i++) {
        assert_true(fl_test_exists(r->stale_locks[i]->lock_path));
        assert_null(strstr(r->stale_locks[i]->lock_path, "held"));
    }
    fl_clean_report_free(r);
    fl_scan_options_free(so);
    fl_lock_free(t.held);
}

static void test_remove_if_stale(void **state)
{
    mon_write_dead_record(P("a.lock"), 2 * MON_HOUR_MS);
    assert_int_equal(fl_remove_if_stale(P("a.lock"), MON_HOUR_MS), 1);
    assert_false(fl_test_exists(P("a.lock")));
    assert_int_equal(fl_remove_if_stale(P("a.lock"), MON_HOUR_MS), 0); /* already gone */
    mon_write_dead_record(P("b.lock"), 0);
    assert_int_equal(fl_remove_if_stale(P("b.lock"), MON_HOUR_MS), 0); /* too young */
    assert_true(fl_test_exists(P("b.lock")));
    assert_int_equal(fl_remove_if_stale(P("b.lock"), 0), 1);
    /* Held through this process: the OS lock wins over an abandoned record. */
    fl_lock *held = NULL;
    fl_options *o = NULL;
    FL_ASSERT_OK(fl_options_new(&o));
    FL_ASSERT_OK(fl_options_set_remove_on_release(o, 0));
    FL_ASSERT_OK(fl_lock_new(&held, P("h"), o));
    FL_ASSERT_OK(fl_acquire(held, 0));
    mon_write_dead_record(P("h.lock"), 2 * MON_HOUR_MS);
    assert_int_equal(fl_remove_if_stale(P("h.lock"), 0), 0);
    assert_true(fl_test_exists(P("h.lock")));
    FL_ASSERT_OK(fl_release(held));
    assert_int_equal(fl_remove_if_stale(P("h.lock"), 0), 1);
    fl_lock_free(held);
    fl_options_free(o);
    mon_write_dead_record(P("target"), 2 * MON_HOUR_MS);
    assert_int_equal(symlink("target", P("l.lock")), 0);
    assert_int_equal(fl_remove_if_stale(P("l.lock"), 0), FL_EUNSAFE);
    assert_true(fl_test_exists(P("l.lock")));
    assert_true(fl_test_exists(P("target")));
}

/* Several processes clean one directory at the same moment: every stale
 * file is removed, and counted by exactly one of them. */
static void test_concurrent_cleaner_processes(void **state)
{
    enum { kFiles = 300, kCleaners = 3 };
    int64_t start;
    long dead = fl_test_dead_pid(&start);
    for (int i = 0; i < kFiles; i++) {
        char name[32];
        snprintf(name, sizeof name, "f%d.lock", i);
        mon_write_record(P(name), dead, start, mon_now_ms() - 2 * MON_HOUR_MS);
    }
    const char *dir = ((fl_test_dir *)*state)->path;
    int go[2], results[2];
    assert_int_equal(pipe(go), 0);
    assert_int_equal(pipe(results), 0);
    for (int c = 0; c < kCleaners; c++) {
        if (fork() == 0) {
            close(go[1]);
            char b;
            if (read(go[0], &b, 1) != 1) _exit(1); /* start together */
            fl_clean_report *r = NULL;
            int rc = fl_cleanup_stale_locks(dir, NULL, &r);
            char line[64];
            int n = snprintf(line, sizeof line, "%d %zu %zu\n", rc, rc == FL_OK ? r->count : 0,
                             rc == FL_OK ? r->error_count : 0);
            if (write(results[1], line, (size_t)n) != n) _exit(1);
            fl_clean_report_free(r);
            _exit(0);
        }
    }
    close(results[1]);
    close(go[0]);
    assert_int_equal(write(go[1], "ggg", kCleaners), kCleaners);
    close(go[1]);
    char buf[1024];
    mon_read_all(results[0], buf, sizeof buf);
    close(results[0]);
    while (wait(NULL) > 0) {
    }
    size_t total = 0;
    int lines = 0;
    char *save = NULL;
    for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        int rc;
        size_t count, errors;
        assert_int_equal(sscanf(line, "%d %zu %zu", &rc, &count, &errors), 3);
        assert_int_equal(rc, FL_OK);
        assert_int_equal(errors, 0);
        total += count;
        lines++;
    }
    assert_int_equal(lines, kCleaners);
    assert_int_equal(total, kFiles);
    fl_lock_list *l = NULL;
    FL_ASSERT_OK(fl_scan(dir, NULL, &l));
    assert_int_equal(l->count, 0);
    fl_lock_list_free(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scan_options_validate),
        cmocka_unit_test_setup_teardown(test_scan_bad_arguments, fl_test_setup_dir, fl_test_teardown_dir),
        cmocka_unit_test_setup_teardown(test_scan_lists_and_judges_the_tree, fl_test_setup_dir,
                                        fl_test_teardown_dir),
        cmocka_unit_test_setup_teardown(test_scan_depth_options, fl_test_setup_dir, fl_test_teardown_dir),
        cmocka_unit_test_setup_teardown(test_scan_reports_unreadable_directory, fl_test_setup_dir,
                                        fl_test_teardown_dir),
        cmocka_unit_test_setup_teardown(test_cleanup_removes_only_stale, fl_test_setup_dir,
                                        fl_test_teardown_dir),
        cmocka_unit_test_setup_teardown(test_cleanup_dry_run_removes_nothing, fl_test_setup_dir,
                                        fl_test_teardown_dir),
        cmocka_unit_test_setup_teardown(test_remove_if_stale, fl_test_setup_dir, fl_test_teardown_dir),
        cmocka_unit_test_setup_teardown(test_concurrent_cleaner_processes, fl_test_setup_dir,
                                        fl_test_teardown_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
