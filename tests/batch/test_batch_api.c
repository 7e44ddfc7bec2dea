/* The batch C API in one process: arguments, result structs, order,
 * progress, cancellation, stop on failure, run_one, and callbacks that call
 * the library themselves. */
#include "batch_test.h" /* first: it defines _GNU_SOURCE */

#include <pthread.h>

static void bad_arguments_are_einval(void **state)
{
    bt_files f = bt_make_files(state, 1);
    fl_batch *b = bt_batch(bt_quick_config());
    fl_batch_results *res = NULL;
    fl_file_result *one = NULL;
    fl_options *not_a_config = NULL;
    fl_batch *x = NULL;
    FL_ASSERT_OK(fl_options_new(&not_a_config));
    FL_ASSERT_RC(fl_batch_new(NULL, NULL), FL_EINVAL);
    FL_ASSERT_RC(fl_batch_new(&x, (const fl_config *)(void *)not_a_config), FL_EINVAL);
    FL_ASSERT_RC(fl_batch_set_workers(NULL, 1), FL_EINVAL);
    FL_ASSERT_RC(fl_batch_set_workers(b, 1025), FL_EINVAL);
    FL_ASSERT_OK(fl_batch_set_workers(b, 0));
    FL_ASSERT_RC(fl_batch_cancel((fl_batch *)(void *)not_a_config), FL_EINVAL);
    FL_ASSERT_RC(fl_batch_run(b, bt_list(&f), 1, NULL, NULL, &res), FL_EINVAL);
    FL_ASSERT_RC(fl_batch_run(b, NULL, 1, bt_ok_cb, NULL, &res), FL_EINVAL);
    FL_ASSERT_RC(fl_batch_run(b, bt_list(&f), 1, bt_ok_cb, NULL, NULL), FL_EINVAL);
    const char *with_null[] = {f.paths[0], NULL};
    FL_ASSERT_RC(fl_batch_run(b, with_null, 2, bt_ok_cb, NULL, &res), FL_EINVAL);
    assert_null(res);
    FL_ASSERT_RC(fl_batch_run_one(b, NULL, bt_ok_cb, NULL, &one), FL_EINVAL);
    FL_ASSERT_RC(fl_batch_run_one(NULL, f.paths[0], bt_ok_cb, NULL, &one), FL_EINVAL);
    fl_batch_free(NULL);
    fl_batch_results_free(NULL);
    fl_file_result_free(NULL);
    fl_options_free(not_a_config);
    fl_batch_free(b);
    bt_free_files(&f);
}

/* Fails every third file with a code derived from its position. */
static int code_by_name_cb(const char *path, void *user_data)
{
    (void)user_data;
    int i = atoi(strrchr(path, 'f') + 1);
    return i % 3 == 0 ? 100 + i : 0;
}

static void results_are_in_input_order_with_counts(void **state)
{
    bt_files f = bt_make_files(state, 30);
    fl_batch *b = bt_batch(bt_quick_config());
    FL_ASSERT_OK(fl_batch_set_workers(b, 4));
    fl_batch_results *res = NULL;
    FL_ASSERT_OK(fl_batch_run(b, bt_list(&f), f.count, code_by_name_cb, NULL, &res));
    assert_int_equal(res->struct_size, sizeof(fl_batch_results));
    assert_int_equal(res->count, f.count);
    for (size_t i = 0; i < f.count; i++) {
        const fl_file_result *r = res->items[i];
        assert_int_equal(r->struct_size, sizeof(fl_file_result));
        assert_string_equal(r->path, f.paths[i]);
        assert_int_equal(r->status, i % 3 == 0 ? FL_FILE_FAILED : FL_FILE_DONE);
        assert_int_equal(r->code, i % 3 == 0 ? (int)(100 + i) : 0);
        assert_int_equal(r->attempts, 1);
        assert_non_null(r->message);
    }
    assert_false(fl_test_exists(fl_test_path(state, "f0.lock")));
    assert_int_equal(res->failed, 10);
    assert_int_equal(res->done, 20);
    assert_int_equal(res->locked_out + res->skipped + res->cancelled + res->errors, 0);
    fl_batch_results_free(res);
    fl_batch_free(b);
    bt_free_files(&f);
}

typedef struct progress_log {
    size_t calls, last, total;
    int monotonic;
} progress_log;

static void progress_cb(size_t done, size_t total, void *user_data)
{
    progress_log *p = user_data;
    if (done != p->last + 1) p->monotonic = 0;
    p->calls++;
    p->last = done;
    p->total = total;
}

static void progress_counts_every_file_once(void **state)
{
    bt_files f = bt_make_files(state, 40);
    fl_batch *b = bt_batch(bt_quick_config());
    progress_log p = {0, 0, 0, 1};
    FL_ASSERT_OK(fl_batch_set_workers(b, 4));
    FL_ASSERT_OK(fl_batch_set_progress_cb(b, progress_cb, &p));
    fl_batch_results *res = NULL;
    FL_ASSERT_OK(fl_batch_run(b, bt_list(&f), f.count, bt_ok_cb, NULL, &res));
    assert_int_equal(p.calls, f.count);
    assert_int_equal(p.last, f.count);
    assert_int_equal(p.total, f.count);
    assert_true(p.monotonic);
    fl_batch_results_free(res);
    fl_batch_free(b);
    bt_free_files(&f);
}

/* Cancellation: the first file's callback blocks on a pipe until the test
 * has cancelled; the batch runs on its own thread meanwhile. */
typedef struct cancel_case {
    fl_batch *batch;
    bt_files *files;
    int entered[2], go[2];
    fl_batch_results *res;
    int rc;
} cancel_case;

static int blocking_cb(const char *path, void *user_data)
{
    cancel_case *c = user_data;
    if (strcmp(path, c->files->paths[0]) == 0) {
        char x = 'e';
        if (write(c->entered[1], &x, 1) != 1) return 1;
        if (read(c->go[0], &x, 1) != 1) return 1;
    }
    return 0;
}

static void *run_thread(void *arg)
{
    cancel_case *c = arg;
    c->rc = fl_batch_run(c->batch, bt_list(c->files), c->files->count, blocking_cb, c, &c->res);
    return NULL;
}

static void cancel_finishes_in_flight_and_cancels_the_rest(void **state)
{
    bt_files f = bt_make_files(state, 8);
    cancel_case c = {bt_batch(bt_quick_config()), &f, {-1, -1}, {-1, -1}, NULL, -1};
    assert_int_equal(pipe(c.entered), 0);
    assert_int_equal(pipe(c.go), 0);
    FL_ASSERT_OK(fl_batch_set_workers(c.batch, 1));
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, run_thread, &c), 0);
    char x;
    assert_int_equal(read(c.entered[0], &x, 1), 1);
    FL_ASSERT_OK(fl_batch_cancel(c.batch));
    assert_int_equal(write(c.go[1], "g", 1), 1);
    pthread_join(t, NULL);
    FL_ASSERT_OK(c.rc);
    assert_int_equal(c.res->items[0]->status, FL_FILE_DONE);
    for (size_t i = 1; i < f.count; i++) {
        assert_int_equal(c.res->items[i]->status, FL_FILE_CANCELLED);
        assert_int_equal(c.res->items[i]->attempts, 0);
    }
    assert_int_equal(c.res->cancelled, f.count - 1);
    fl_batch_results_free(c.res);
    fl_batch_free(c.batch);
    close(c.entered[0]);
    close(c.entered[1]);
    close(c.go[0]);
    close(c.go[1]);
    bt_free_files(&f);
}

static int fail_second_cb(const char *path, void *user_data)
{
    bt_files *f = user_data;
    return strcmp(path, f->paths[1]) == 0 ? 7 : 0;
}

static void stop_on_failure_cancels_what_follows(void **state)
{
    bt_files f = bt_make_files(state, 6);
    fl_batch *b = bt_batch(bt_quick_config());
    FL_ASSERT_OK(fl_batch_set_workers(b, 1));
    FL_ASSERT_OK(fl_batch_set_stop_on_failure(b, 1));
    fl_batch_results *res = NULL;
    FL_ASSERT_OK(fl_batch_run(b, bt_list(&f), f.count, fail_second_cb, &f, &res));
    assert_int_equal(res->items[0]->status, FL_FILE_DONE);
    assert_int_equal(res->items[1]->status, FL_FILE_FAILED);
    assert_int_equal(res->items[1]->code, 7);
    assert_int_equal(res->cancelled, 4);
    assert_int_equal(res->items[5]->status, FL_FILE_CANCELLED);
    fl_batch_results_free(res);
    fl_batch_free(b);
    bt_free_files(&f);
}

/* The callback uses the library: its own file reads as locked (the lock is
 * held while it runs), and it can take and release another lock. */
static int reentrant_cb(const char *path, void *user_data)
{
    const char *other = user_data;
    if (fl_is_locked(path, NULL) != 1) return 1;
    fl_lock *l = NULL;
    if (fl_lock_new(&l, other, NULL) != FL_OK) return 2;
    int rc = fl_acquire(l, 5000);
    fl_lock_free(l);
    return rc == FL_OK ? 0 : 3;
}

static void callbacks_may_call_the_library(void **state)
{
    bt_files f = bt_make_files(state, 6);
    fl_batch *b = bt_batch(bt_quick_config());
    FL_ASSERT_OK(fl_batch_set_workers(b, 3));
    fl_batch_results *res = NULL;
    const char *other = fl_test_path(state, "shared-resource");
    FL_ASSERT_OK(fl_batch_run(b, bt_list(&f), f.count, reentrant_cb, (void *)other, &res));
    for (size_t i = 0; i < f.count; i++) assert_int_equal(res->items[i]->code, 0);
    assert_int_equal(res->done, f.count);
    assert_int_equal(fl_is_locked(f.paths[0], NULL), 0);
    fl_batch_results_free(res);
    fl_batch_free(b);
    bt_free_files(&f);
}

static void run_one_gives_one_owned_result(void **state)
{
    bt_files f = bt_make_files(state, 1);
    fl_batch *b = bt_batch(bt_quick_config());
    fl_file_result *r = NULL;
    FL_ASSERT_OK(fl_batch_run_one(b, f.paths[0], reentrant_cb,
                                  (void *)fl_test_path(state, "other"), &r));
    assert_int_equal(r->struct_size, sizeof(fl_file_result));
    assert_string_equal(r->path, f.paths[0]);
    assert_int_equal(r->status, FL_FILE_DONE);
    assert_int_equal(r->attempts, 1);
    fl_file_result_free(r);
    FL_ASSERT_OK(fl_batch_run_one(b, fl_test_path(state, "no-such-dir/f"), bt_ok_cb, NULL, &r));
    assert_int_equal(r->status, FL_FILE_ERROR);
    assert_int_equal(r->code, FL_ENOENT);
    assert_non_null(strstr(r->message, "no-such-dir"));
    fl_file_result_free(r);
    fl_batch_free(b);
    bt_free_files(&f);
}

static void empty_batch_is_fine(void **state)
{
    (void)state;
    fl_batch *b = bt_batch(bt_quick_config());
    fl_batch_results *res = NULL;
    FL_ASSERT_OK(fl_batch_run(b, NULL, 0, bt_ok_cb, NULL, &res));
    assert_int_equal(res->count, 0);
    fl_batch_results_free(res);
    fl_batch_free(b);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fl_test_setup_dir, fl_test_teardown_dir)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(bad_arguments_are_einval),
        T(results_are_in_input_order_with_counts),
        T(progress_counts_every_file_once),
        T(cancel_finishes_in_flight_and_cancels_the_rest),
        T(stop_on_failure_cancels_what_follows),
        T(callbacks_may_call_the_library),
        T(run_one_gives_one_owned_result),
        T(empty_batch_is_fine),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
