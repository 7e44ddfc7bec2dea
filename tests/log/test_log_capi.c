/* test_log_capi.c - fl_log_* through the shared library only.  The messages
 * are real ones: a timed acquire that finds the lock held by another handle
 * logs "waiting for <lock path> held by pid N ..." at FL_LOG_INFO, exactly once
 * per acquire call.  Tests run in order in one process (the first checks the
 * untouched default level); each restores the defaults when it ends. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "filelock.h"

/* What a callback saw.  Messages may arrive concurrently, so it is guarded. */
struct seen {
    pthread_mutex_t mu;
    int count;
    int last_level;
    char last[1024];
};

static void record(int level, const char *message, void *user_data)
{
    struct seen *s = user_data;
    pthread_mutex_lock(&s->mu);
    s->count++;
    s->last_level = level;
    snprintf(s->last, sizeof s->last, "%s", message);
    pthread_mutex_unlock(&s->mu);
}

static void seen_init(struct seen *s)
{
    memset(s, 0, sizeof *s);
    pthread_mutex_init(&s->mu, NULL);
    s->last_level = -1;
}

/* A target in a fresh directory, held by a handle of this thread. */
struct held {
    char dir[256];
    char target[320];
    fl_lock *lock;
};

static void hold(struct held *h, const char *dir_template)
{
    snprintf(h->dir, sizeof h->dir, "%s", dir_template);
    assert_non_null(mkdtemp(h->dir));
    snprintf(h->target, sizeof h->target, "%s/data.txt", h->dir);
    assert_int_equal(fl_lock_new(&h->lock, h->target, NULL), FL_OK);
    assert_int_equal(fl_acquire(h->lock, 0), FL_OK);
}

static void unhold(struct held *h)
{
    fl_lock_free(h->lock); /* releases and removes the lock file */
    rmdir(h->dir);
}

/* Make `tries` timed acquires of a held target; each must time out.  Runs on
 * its own thread: the holding thread itself would get FL_EDEADLK. */
struct waiter {
    const char *target;
    int tries;
    int failures;
};

static void *wait_on_held(void *arg)
{
    struct waiter *w = arg;
    for (int i = 0; i < w->tries; ++i) {
        fl_lock *l = NULL;
        if (fl_lock_new(&l, w->target, NULL) != FL_OK || fl_acquire(l, 1) != FL_ETIMEDOUT)
            w->failures++;
        fl_lock_free(l);
    }
    return NULL;
}

static void contend(const char *target, int tries)
{
    struct waiter w = {target, tries, 0};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, wait_on_held, &w), 0);
    pthread_join(t, NULL);
    assert_int_equal(w.failures, 0);
}

/* Each test gets a callback record and a held target; teardown releases
 * them and restores the default callback and level. */
struct fixture {
    struct seen s;
    struct held h;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    if (!f) return -1;
    seen_init(&f->s);
    hold(&f->h, "/tmp/fllog-XXXXXX");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    fl_log_set_callback(NULL, NULL);
    fl_log_set_level(FL_LOG_WARN);
    unhold(&f->h);
    pthread_mutex_destroy(&f->s.mu);
    free(f);
    return 0;
}

static void test_default_level_is_warn(void **state)
{
    (void)state;
    assert_int_equal(fl_log_get_level(), FL_LOG_WARN);
}

static void test_info_is_filtered_by_default(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(fl_log_set_callback(record, &f->s), FL_OK);
    contend(f->h.target, 1);
    assert_int_equal(f->s.count, 0);
}

static void test_callback_receives_level_and_text(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(fl_log_set_level(FL_LOG_INFO), FL_OK);
    assert_int_equal(fl_log_get_level(), FL_LOG_INFO);
    assert_int_equal(fl_log_set_callback(record, &f->s), FL_OK);
    contend(f->h.target, 1);
    assert_int_equal(f->s.count, 1);
    assert_int_equal(f->s.last_level, FL_LOG_INFO);
    char want[512];
    snprintf(want, sizeof want, "waiting for %s held by pid %ld", fl_lock_path(f->h.lock),
             (long)getpid());
    if (strstr(f->s.last, want) == NULL) fail_msg("got \"%s\", want \"%s\"", f->s.last, want);
    assert_null(strchr(f->s.last, '\n'));
}

/* Paths are data, never a format string: braces arrive as written. */
static void test_braces_in_messages_are_literal(void **state)
{
    struct fixture *f = *state;
    struct held odd;
    hold(&odd, "/tmp/fllog-{}-{0}-%s-XXXXXX");
    fl_log_set_level(FL_LOG_DEBUG);
    fl_log_set_callback(record, &f->s);
    contend(odd.target, 1);
    assert_int_equal(f->s.count, 1);
    if (strstr(f->s.last, fl_lock_path(odd.lock)) == NULL) fail_msg("got \"%s\"", f->s.last);
    unhold(&odd);
}

static void test_level_off_silences(void **state)
{
    struct fixture *f = *state;
    fl_log_set_callback(record, &f->s);
    assert_int_equal(fl_log_set_level(FL_LOG_OFF), FL_OK);
    contend(f->h.target, 3);
    assert_int_equal(f->s.count, 0);
}

static void test_level_setter_validates(void **state)
{
    (void)state;
    assert_int_equal(fl_log_set_level(FL_LOG_ERROR), FL_OK);
    /* 5 lies between FL_LOG_ERROR and FL_LOG_OFF and has no name. */
    const int bad[] = {-1, 5, 7, 100};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
        assert_int_equal(fl_log_set_level(bad[i]), FL_EINVAL);
        assert_true(strlen(fl_last_error_message()) > 0);
        assert_int_equal(fl_log_get_level(), FL_LOG_ERROR);
    }
    for (int lvl = FL_LOG_TRACE; lvl <= FL_LOG_ERROR; ++lvl) {
        assert_int_equal(fl_log_set_level(lvl), FL_OK);
        assert_int_equal(fl_log_get_level(), lvl);
    }
}

/* With the NULL callback the message goes to stderr again, not to the old
 * callback.  stderr is pointed at a file for the duration. */
static void test_null_callback_restores_stderr(void **state)
{
    struct fixture *f = *state;
    char errfile[300];
    snprintf(errfile, sizeof errfile, "%s/stderr.txt", f->h.dir);
    fl_log_set_level(FL_LOG_INFO);
    fl_log_set_callback(record, &f->s);
    assert_int_equal(fl_log_set_callback(NULL, NULL), FL_OK);

    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    int fd = open(errfile, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(saved >= 0 && fd >= 0);
    dup2(fd, STDERR_FILENO);
    contend(f->h.target, 1);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    close(fd);

    char text[1024] = {0};
    FILE *in = fopen(errfile, "r");
    assert_non_null(in);
    size_t n = fread(text, 1, sizeof text - 1, in);
    fclose(in);
    unlink(errfile);
    assert_true(n > 0);
    assert_int_equal(f->s.count, 0);
    if (strstr(text, "filelock: info: waiting for ") == NULL) fail_msg("stderr: \"%s\"", text);
}

enum { kThreads = 8, kTries = 25 };

static void run_waiters(const char *target, struct waiter *w, pthread_t *t)
{
    for (int i = 0; i < kThreads; ++i) {
        w[i] = (struct waiter){target, kTries, 0};
        assert_int_equal(pthread_create(&t[i], NULL, wait_on_held, &w[i]), 0);
    }
}

static void join_waiters(struct waiter *w, pthread_t *t)
{
    for (int i = 0; i < kThreads; ++i) {
        pthread_join(t[i], NULL);
        assert_int_equal(w[i].failures, 0);
    }
}

/* Many threads log at once; every message arrives exactly once. */
static void test_concurrent_messages_all_delivered(void **state)
{
    struct fixture *f = *state;
    fl_log_set_level(FL_LOG_INFO);
    fl_log_set_callback(record, &f->s);
    struct waiter w[kThreads];
    pthread_t t[kThreads];
    run_waiters(f->h.target, w, t);
    join_waiters(w, t);
    assert_int_equal(f->s.count, kThreads * kTries);
    assert_int_equal(f->s.last_level, FL_LOG_INFO);
}

/* Switching callbacks and levels while threads log: each message goes to
 * exactly one of the callbacks, none is lost or doubled. */
static void test_switching_callbacks_while_logging(void **state)
{
    struct fixture *f = *state;
    struct seen other;
    seen_init(&other);
    fl_log_set_level(FL_LOG_INFO);
    fl_log_set_callback(record, &f->s);
    struct waiter w[kThreads];
    pthread_t t[kThreads];
    run_waiters(f->h.target, w, t);
    for (int i = 0; i < 200; ++i) {
        fl_log_set_callback(record, (i % 2) ? &f->s : &other);
        fl_log_set_level(FL_LOG_INFO); /* same level: concurrent writes of it */
        (void)fl_log_get_level();
    }
    join_waiters(w, t);
    fl_log_set_callback(NULL, NULL); /* before `other` goes out of scope */
    assert_int_equal(f->s.count + other.count, kThreads * kTries);
    pthread_mutex_destroy(&other.mu);
}

/* The callback may call the library: here it replaces itself on its first
 * message.  The next message goes to the replacement. */
struct relay {
    struct seen *first, *then;
    const char *target;
    int nested_rc;
};

static void switch_on_first(int level, const char *message, void *user_data)
{
    struct relay *r = user_data;
    record(level, message, r->first);
    fl_log_set_callback(record, r->then);
}

static void test_callback_may_replace_itself(void **state)
{
    struct fixture *f = *state;
    struct seen other;
    seen_init(&other);
    struct relay r = {&f->s, &other, NULL, 0};
    fl_log_set_level(FL_LOG_INFO);
    fl_log_set_callback(switch_on_first, &r);
    contend(f->h.target, 2);
    assert_int_equal(f->s.count, 1);
    assert_int_equal(other.count, 1);
    fl_log_set_callback(NULL, NULL);
    pthread_mutex_destroy(&other.mu);
}

/* A callback that makes a lock wait itself: that wait's own message is not
 * delivered into the running callback (which need not be reentrant). */
static void acquire_from_callback(int level, const char *message, void *user_data)
{
    struct relay *r = user_data;
    record(level, message, r->first);
    fl_lock *l = NULL;
    r->nested_rc = fl_lock_new(&l, r->target, NULL);
    if (r->nested_rc == FL_OK) r->nested_rc = fl_acquire(l, 1);
    fl_lock_free(l);
}

static void test_callback_may_call_the_library(void **state)
{
    struct fixture *f = *state;
    struct relay r = {&f->s, NULL, f->h.target, 0};
    fl_log_set_level(FL_LOG_INFO);
    fl_log_set_callback(acquire_from_callback, &r);
    contend(f->h.target, 1);
    assert_int_equal(r.nested_rc, FL_ETIMEDOUT);
    assert_int_equal(f->s.count, 1);
}

/* fl_log_set_callback() returns only once a running call of the old
 * callback has finished, so the old user_data may be freed right after.
 * The callback lingers after signalling that it started; a setter that did
 * not wait for it would see `done` still 0. */
struct slow {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int entered, done;
};

static void slow_callback(int level, const char *message, void *user_data)
{
    (void)level;
    (void)message;
    struct slow *s = user_data;
    pthread_mutex_lock(&s->mu);
    s->entered = 1;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    usleep(50 * 1000);
    pthread_mutex_lock(&s->mu);
    s->done = 1;
    pthread_mutex_unlock(&s->mu);
}

static void test_set_callback_waits_for_running_call(void **state)
{
    struct fixture *f = *state;
    struct slow s = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0};
    fl_log_set_level(FL_LOG_INFO);
    fl_log_set_callback(slow_callback, &s);
    struct waiter w = {f->h.target, 1, 0};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, wait_on_held, &w), 0);
    pthread_mutex_lock(&s.mu);
    while (!s.entered) pthread_cond_wait(&s.cv, &s.mu);
    pthread_mutex_unlock(&s.mu);

    assert_int_equal(fl_log_set_callback(NULL, NULL), FL_OK);
    pthread_mutex_lock(&s.mu);
    int done = s.done;
    pthread_mutex_unlock(&s.mu);
    assert_int_equal(done, 1);
    pthread_join(t, NULL);
    assert_int_equal(w.failures, 0);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_level_is_warn), /* first: nothing set yet */
        T(test_info_is_filtered_by_default),
        T(test_callback_receives_level_and_text),
        T(test_braces_in_messages_are_literal),
        T(test_level_off_silences),
        T(test_level_setter_validates),
        T(test_null_callback_restores_stderr),
        T(test_concurrent_messages_all_delivered),
        T(test_switching_callbacks_while_logging),
        T(test_callback_may_replace_itself),
        T(test_callback_may_call_the_library),
        T(test_set_callback_waits_for_running_call),
    };
#undef T
    return cmocka_run_group_tests_name("log_capi", tests, NULL, NULL);
}
