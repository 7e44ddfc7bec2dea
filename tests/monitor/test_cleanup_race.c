/* Cleanup racing real lock holders.  Worker processes acquire and release
 * one lock in a loop, each generation exiting afterwards so that the lock
 * file it leaves names a dead holder; meanwhile a cleaner process loops
 * fl_cleanup_stale_locks with threshold 0 on the same directory.
 *
 * Invariants checked, none depending on timing:
 *  - mutual exclusion: inside the critical section a marker file is created
 *    with O_EXCL and removed before release; EEXIST means two holders;
 *  - a held lock file is never removed: while holding, the lock file exists
 *    and names the holder;
 *  - every call succeeds and the cleaner reports no errors;
 *  - at the end, the leftover stale lock file is gone. */
#include "mon_test.h"

#include <poll.h>
#include <sys/stat.h>

/* Short generations: every one that keeps its file leaves a stale record,
 * which is what brings the cleaner into the holders' way. */
enum { kSlots = 3, kGenerations = 100, kIterations = 3 };

/* One generation: kIterations acquire/check/release cycles.  Reports
 * "overlaps lost api_errors" on `out`. */
static void worker(const char *target, const char *marker, int keep, int iterations, int out)
{
    int overlaps = 0, lost = 0, api = 0;
    fl_options *o = NULL;
    fl_lock *l = NULL;
    if (fl_options_new(&o) != FL_OK || fl_options_set_remove_on_release(o, keep ? 0 : 1) != FL_OK ||
        fl_lock_new(&l, target, o) != FL_OK)
        api++;
    for (int i = 0; l && i < iterations; i++) {
        if (fl_acquire(l, FL_WAIT_FOREVER) != FL_OK) {
            api++;
            break;
        }
        int fd = open(marker, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0) overlaps++;
        int64_t pid = 0;
        if (!fl_test_exists(fl_lock_path(l)) || fl_holder_pid(fl_lock_path(l), &pid) != FL_OK ||
            pid != (int64_t)getpid())
            lost++;
        if (fd >= 0) {
            close(fd);
            unlink(marker);
        }
        if (fl_release(l) != FL_OK) api++;
    }
    fl_lock_free(l);
    fl_options_free(o);
    char line[64];
    int n = snprintf(line, sizeof line, "%d %d %d\n", overlaps, lost, api);
    if (write(out, line, (size_t)n) != n) _exit(1);
}

/* Cleans until `stop` becomes readable, then once more.  Reports
 * "removed errors" on `out`. */
static void cleaner(const char *dir, int stop, int out)
{
    fl_scan_options *so = NULL;
    size_t removed = 0, errors = 0;
    if (fl_scan_options_new(&so) != FL_OK || fl_scan_options_set_stale_threshold_ms(so, 0) != FL_OK)
        errors++;
    for (int last = 0;;) {
        struct pollfd p = {stop, POLLIN, 0};
        if (!last && poll(&p, 1, 0) > 0) last = 1;
        fl_clean_report *r = NULL;
        if (fl_cleanup_stale_locks(dir, so, &r) != FL_OK) {
            errors++;
        } else {
            removed += r->count;
            errors += r->error_count;
            if (r->error_count) fprintf(stderr, "cleaner: %s\n", r->errors[0]->message);
        }
        fl_clean_report_free(r);
        if (last) break;
    }
    fl_scan_options_free(so);
    char line[64];
    int n = snprintf(line, sizeof line, "%zu %zu\n", removed, errors);
    if (write(out, line, (size_t)n) != n) _exit(1);
}

static pid_t spawn_generation(const char *target, const char *marker, int keep, int iterations,
                              int out)
{
    pid_t p = fork();
    if (p == 0) {
        worker(target, marker, keep, iterations, out);
        _exit(0);
    }
    return p;
}

static void test_cleanup_races_with_holders(void **state)
{
    const char *dir = ((fl_test_dir *)*state)->path;
    char target[512], marker[512], lock_path[600];
    snprintf(target, sizeof target, "%s/t", dir);
    snprintf(lock_path, sizeof lock_path, "%s/t.lock", dir);
    snprintf(marker, sizeof marker, "%s/inside", dir);

    int stop[2], clean_out[2], work_out[2];
    assert_int_equal(pipe(stop), 0);
    assert_int_equal(pipe(clean_out), 0);
    assert_int_equal(pipe(work_out), 0);
    pid_t cleaner_pid = fork();
    if (cleaner_pid == 0) {
        close(stop[1]);
        close(clean_out[0]);
        close(work_out[0]);
        close(work_out[1]);
        cleaner(dir, stop[0], clean_out[1]);
        _exit(0);
    }
    close(clean_out[1]);
    close(stop[0]);

    /* Each slot runs its generations one after another; slots 0 and 1 keep
     * the lock file on release (left for the cleaner), slot 2 removes it. */
    pid_t slots[kSlots];
    for (int s = 0; s < kSlots; s++) {
        slots[s] = fork();
        if (slots[s] == 0) {
            for (int g = 0; g < kGenerations; g++) {
                pid_t p = spawn_generation(target, marker, s == 0 || s == 1, kIterations, work_out[1]);
                waitpid(p, NULL, 0);
            }
            _exit(0);
        }
    }
    for (int s = 0; s < kSlots; s++) waitpid(slots[s], NULL, 0);
    /* A last holder that keeps its file, so the cleaner's final pass has a
     * stale file to remove whatever happened before. */
    waitpid(spawn_generation(target, marker, 1, 1, work_out[1]), NULL, 0);
    close(work_out[1]);

    assert_int_equal(write(stop[1], "s", 1), 1);
    close(stop[1]);
    char cbuf[128];
    mon_read_all(clean_out[0], cbuf, sizeof cbuf);
    close(clean_out[0]);
    waitpid(cleaner_pid, NULL, 0);

    char wbuf[8192];
    mon_read_all(work_out[0], wbuf, sizeof wbuf);
    close(work_out[0]);
    int generations = 0, overlaps = 0, lost = 0, api = 0;
    char *save = NULL;
    for (char *line = strtok_r(wbuf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        int o, l, a;
        assert_int_equal(sscanf(line, "%d %d %d", &o, &l, &a), 3);
        overlaps += o;
        lost += l;
        api += a;
        generations++;
    }
    size_t removed = 0, errors = 0;
    assert_int_equal(sscanf(cbuf, "%zu %zu", &removed, &errors), 2);

    assert_int_equal(generations, kSlots * kGenerations + 1);
    assert_int_equal(overlaps, 0);
    assert_int_equal(lost, 0);
    assert_int_equal(api, 0);
    assert_int_equal(errors, 0);
    assert_true(removed >= 1);
    assert_false(fl_test_exists(lock_path));
    assert_false(fl_test_exists(marker));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_cleanup_races_with_holders, fl_test_setup_dir,
                                        fl_test_teardown_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
