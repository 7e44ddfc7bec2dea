/* test_config_capi.c - fl_config_* through the shared library and the public
 * header only: constructors, errors and their messages, set/get round trips,
 * the environment, and options that really take effect on a lock.
 * Tests run one at a time in this process; each clears FILELOCK_* first. */
#include <pthread.h>

#include "fl_test.h"

static const char *const kVars[] = {
    "FILELOCK_ENABLED", "FILELOCK_TIMEOUT_SECONDS", "FILELOCK_RETRY_ATTEMPTS",
    "FILELOCK_RETRY_DELAY_SECONDS", "FILELOCK_CLEANUP_STALE_LOCKS",
    "FILELOCK_STALE_THRESHOLD_HOURS", "FILELOCK_POLL_INTERVAL_SECONDS",
    "FILELOCK_REMOVE_LOCK_FILES", "FILELOCK_LOCK_FILE_MODE", "FILELOCK_LOCK_DIRECTORY",
    "FILELOCK_SHARED", "FILELOCK_TAG",
};

static void clear_env(void)
{
    for (size_t i = 0; i < sizeof kVars / sizeof kVars[0]; ++i) unsetenv(kVars[i]);
}

/* Each test: no FILELOCK_* variable set, and a private directory. */
static int setup(void **state)
{
    clear_env();
    return fl_test_setup_dir(state);
}

static int teardown(void **state)
{
    clear_env();
    return fl_test_teardown_dir(state);
}

/* Current value of key as text; asserts success. Caller frees with fl_free. */
static char *get(const fl_config *cfg, const char *key)
{
    char *out = NULL;
    assert_int_equal(fl_config_get(cfg, key, &out), FL_OK);
    assert_non_null(out);
    return out;
}

static void assert_value(const fl_config *cfg, const char *key, const char *want)
{
    char *v = get(cfg, key);
    assert_string_equal(v, want);
    fl_free(v);
}

static void assert_message_has(const char *needle)
{
    const char *msg = fl_last_error_message();
    if (strstr(msg, needle) == NULL) fail_msg("message \"%s\" lacks \"%s\"", msg, needle);
}

static void test_new_gives_defaults(void **state)
{
    (void)state;
    fl_config *cfg = NULL;
    assert_int_equal(fl_config_new(&cfg, FL_CONFIG_IGNORE_ENV), FL_OK);
    assert_value(cfg, "enabled", "true");
    assert_value(cfg, "timeout_seconds", "30");
    assert_value(cfg, "retry_attempts", "3");
    assert_value(cfg, "retry_delay_seconds", "2");
    assert_value(cfg, "cleanup_stale_locks", "true");
    assert_value(cfg, "stale_threshold_hours", "1");
    assert_value(cfg, "poll_interval_seconds", "0.5");
    assert_value(cfg, "remove_lock_files", "true");
    assert_value(cfg, "lock_file_mode", "");
    assert_value(cfg, "lock_directory", "");
    assert_value(cfg, "shared", "false");
    assert_value(cfg, "tag", "");
    fl_config_free(cfg);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    fl_config *cfg = (fl_config *)0x1;
    assert_int_equal(fl_config_new(&cfg, 0x40), FL_EINVAL);
    assert_null(cfg);
    assert_int_equal(fl_config_new(NULL, 0), FL_EINVAL);
    assert_int_equal(fl_config_load_string(&cfg, NULL, "x", 0), FL_EINVAL);
    assert_int_equal(fl_config_load_file(&cfg, NULL, 0), FL_EINVAL);

    char *out = NULL;
    assert_int_equal(fl_config_set(NULL, "tag", "x"), FL_EINVAL);
    assert_int_equal(fl_config_get(NULL, "tag", &out), FL_EINVAL);
    fl_options *opts = NULL;
    assert_int_equal(fl_config_make_options(NULL, &opts), FL_EINVAL);
    assert_null(opts);

    /* A handle of another type is refused, not misread. */
    fl_options *other = NULL;
    assert_int_equal(fl_options_new(&other), FL_OK);
    assert_int_equal(fl_config_set((fl_config *)other, "tag", "x"), FL_EINVAL);
    fl_config_free((fl_config *)other); /* ignored: not a config */
    fl_options_free(other);

    assert_int_equal(fl_config_new(&cfg, FL_CONFIG_IGNORE_ENV), FL_OK);
    assert_int_equal(fl_config_set(cfg, NULL, "x"), FL_EINVAL);
    assert_int_equal(fl_config_set(cfg, "tag", NULL), FL_EINVAL);
    assert_int_equal(fl_config_get(cfg, "tag", NULL), FL_EINVAL);
    fl_config_free(cfg);
    fl_config_free(NULL);
}

static void test_load_string_reads_the_section(void **state)
{
    (void)state;
    fl_config *cfg = NULL;
    const char *yaml = "app: {name: demo}\n"
                       "file_locking:\n"
                       "  enabled: false\n"
                       "  timeout_seconds: 2.5\n"
                       "  lock_file_mode: 0640\n"
                       "  tag: nightly\n";
    assert_int_equal(fl_config_load_string(&cfg, yaml, "app.yaml", FL_CONFIG_IGNORE_ENV), FL_OK);
    assert_value(cfg, "enabled", "false");
    assert_value(cfg, "timeout_seconds", "2.5");
    assert_value(cfg, "lock_file_mode", "0640");
    assert_value(cfg, "tag", "nightly");
    assert_value(cfg, "retry_attempts", "3");
    fl_config_free(cfg);
}

static void test_load_string_errors_name_the_source(void **state)
{
    (void)state;
    fl_config *cfg = (fl_config *)0x1;
    assert_int_equal(fl_config_load_string(&cfg, "file_locking:\n  timeout_second: 5\n",
                                           "app.yaml", FL_CONFIG_IGNORE_ENV),
                     FL_ECONFIG);
    assert_null(cfg);
    assert_message_has("app.yaml:2:3: unknown key 'timeout_second'");
    assert_message_has("did you mean 'timeout_seconds'?");

    assert_int_equal(fl_config_load_string(&cfg, "file_locking: [\n", NULL, FL_CONFIG_IGNORE_ENV),
                     FL_ECONFIG);
    assert_message_has("<string>:2:1: malformed YAML");
}

static void test_load_file(void **state)
{
    const char *path = fl_test_path(state, "app.yaml");
    const char *missing = fl_test_path(state, "missing.yaml");
    const char *yaml = "file_locking:\n  retry_attempts: 11\n  stale_threshold_hours: 0.5\n";
    fl_test_write(path, yaml, strlen(yaml));

    fl_config *cfg = NULL;
    FL_ASSERT_OK(fl_config_load_file(&cfg, path, FL_CONFIG_IGNORE_ENV));
    assert_value(cfg, "retry_attempts", "11");
    assert_value(cfg, "stale_threshold_hours", "0.5");
    fl_config_free(cfg);

    cfg = (fl_config *)0x1;
    assert_int_equal(fl_config_load_file(&cfg, missing, FL_CONFIG_IGNORE_ENV), FL_ENOENT);
    assert_null(cfg);
    assert_message_has(missing);
    const char *dir = ((fl_test_dir *)*state)->path;
    assert_int_equal(fl_config_load_file(&cfg, dir, FL_CONFIG_IGNORE_ENV), FL_ECONFIG);
    assert_message_has("is a directory");
}

static void test_set_get_round_trip(void **state)
{
    (void)state;
    static const char *const keys[] = {
        "enabled", "timeout_seconds", "retry_attempts", "retry_delay_seconds",
        "cleanup_stale_locks", "stale_threshold_hours", "poll_interval_seconds",
        "remove_lock_files", "lock_file_mode", "lock_directory", "shared", "tag"};
    static const char *const values[] = {
        "off", "0.125", "12", "1.5", "no", "0.0001", "2", "false", "0o2750", "/var/lock", "yes",
        "a: b"};
    fl_config *a = NULL, *b = NULL;
    assert_int_equal(fl_config_new(&a, FL_CONFIG_IGNORE_ENV), FL_OK);
    assert_int_equal(fl_config_new(&b, FL_CONFIG_IGNORE_ENV), FL_OK);
    for (size_t i = 0; i < 12; ++i) assert_int_equal(fl_config_set(a, keys[i], values[i]), FL_OK);
    for (size_t i = 0; i < 12; ++i) {
        char *v = get(a, keys[i]);
        assert_int_equal(fl_config_set(b, keys[i], v), FL_OK);
        char *w = get(b, keys[i]);
        assert_string_equal(v, w);
        fl_free(v);
        fl_free(w);
    }
    assert_value(b, "lock_file_mode", "02750");
    assert_value(b, "stale_threshold_hours", "0.0001");
    fl_config_free(a);
    fl_config_free(b);
}

static void test_failed_set_changes_nothing(void **state)
{
    (void)state;
    fl_config *cfg = NULL;
    assert_int_equal(fl_config_new(&cfg, FL_CONFIG_IGNORE_ENV), FL_OK);
    assert_int_equal(fl_config_set(cfg, "retry_attempts", "4"), FL_OK);
    assert_int_equal(fl_config_set(cfg, "retry_attempts", "-1"), FL_ECONFIG);
    assert_message_has("retry_attempts: must not be negative");
    assert_int_equal(fl_config_set(cfg, "retry_attempts", "1001"), FL_ECONFIG);
    assert_message_has("at most 1000");
    assert_int_equal(fl_config_set(cfg, "retries", "5"), FL_ECONFIG);
    assert_message_has("unknown key 'retries'");
    assert_value(cfg, "retry_attempts", "4");
    char *out = (char *)0x1;
    assert_int_equal(fl_config_get(cfg, "retries", &out), FL_ECONFIG);
    assert_null(out);
    fl_config_free(cfg);
}

static void test_environment_and_precedence(void **state)
{
    (void)state;
    setenv("FILELOCK_TIMEOUT_SECONDS", "5", 1);
    setenv("FILELOCK_ENABLED", "false", 1);
    fl_config *cfg = NULL;
    assert_int_equal(fl_config_new(&cfg, 0), FL_OK);
    assert_value(cfg, "timeout_seconds", "5");
    assert_value(cfg, "enabled", "false");
    fl_config_free(cfg);

    assert_int_equal(fl_config_new(&cfg, FL_CONFIG_IGNORE_ENV), FL_OK);
    assert_value(cfg, "timeout_seconds", "30");
    fl_config_free(cfg);

    /* defaults < file < environment < fl_config_set */
    assert_int_equal(fl_config_load_string(&cfg,
                                           "file_locking:\n  timeout_seconds: 9\n"
                                           "  retry_attempts: 8\n  enabled: true\n",
                                           NULL, 0),
                     FL_OK);
    assert_value(cfg, "timeout_seconds", "5");
    assert_value(cfg, "enabled", "false");
    assert_value(cfg, "retry_attempts", "8");
    assert_int_equal(fl_config_set(cfg, "timeout_seconds", "1"), FL_OK);
    assert_value(cfg, "timeout_seconds", "1");
    fl_config_free(cfg);

    setenv("FILELOCK_RETRY_DELAY_SECONDS", "two", 1);
    cfg = (fl_config *)0x1;
    assert_int_equal(fl_config_new(&cfg, 0), FL_ECONFIG);
    assert_null(cfg);
    assert_message_has("FILELOCK_RETRY_DELAY_SECONDS");
}

/* Holds a lock on another thread's behalf: a second handle in the same
 * thread would be refused with FL_EDEADLK instead of waiting. */
struct attempt {
    const char *target;
    const fl_options *opts;
    int rc;
};

static void *try_acquire(void *arg)
{
    struct attempt *a = arg;
    fl_lock *l = NULL;
    a->rc = fl_lock_new(&l, a->target, a->opts);
    if (a->rc == FL_OK) a->rc = fl_acquire(l, FL_WAIT_DEFAULT);
    fl_lock_free(l);
    return NULL;
}

static void test_make_options_takes_effect(void **state)
{
    char locks[1024], target[1024], yaml[2048];
    snprintf(locks, sizeof locks, "%s", fl_test_path(state, "locks"));
    snprintf(target, sizeof target, "%s", fl_test_path(state, "data.txt"));
    assert_int_equal(mkdir(locks, 0755), 0);
    snprintf(yaml, sizeof yaml,
             "file_locking:\n  timeout_seconds: 0\n  lock_file_mode: \"0640\"\n"
             "  remove_lock_files: false\n  lock_directory: %s\n  tag: job-7\n",
             locks);
    fl_config *cfg = NULL;
    fl_options *opts = NULL;
    FL_ASSERT_OK(fl_config_load_string(&cfg, yaml, NULL, FL_CONFIG_IGNORE_ENV));
    FL_ASSERT_OK(fl_config_make_options(cfg, &opts));
    fl_config_free(cfg); /* the options are independent of the config */

    fl_lock *held = NULL;
    assert_int_equal(fl_lock_new(&held, target, opts), FL_OK);
    assert_int_equal(fl_acquire(held, FL_WAIT_DEFAULT), FL_OK);
    char lock_path[512];
    snprintf(lock_path, sizeof lock_path, "%s", fl_lock_path(held));
    assert_ptr_equal(strstr(lock_path, locks), lock_path); /* lock_directory */
    struct stat st;
    assert_int_equal(stat(lock_path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0640); /* lock_file_mode, umask aside */
    fl_lock_info *info = NULL;
    assert_int_equal(fl_lock_info_read(lock_path, 0, &info), FL_OK);
    assert_string_equal(info->tag, "job-7");
    fl_lock_info_free(info);

    /* timeout_seconds: 0 means one attempt: busy at once, not a 30 s wait. */
    struct attempt a = {target, opts, 0};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, try_acquire, &a), 0);
    pthread_join(t, NULL);
    assert_int_equal(a.rc, FL_EBUSY);

    assert_int_equal(fl_release(held), FL_OK);
    assert_int_equal(access(lock_path, F_OK), 0); /* remove_lock_files: false */
    fl_lock_free(held);
    fl_options_free(opts);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_new_gives_defaults),
        T(test_bad_arguments),
        T(test_load_string_reads_the_section),
        T(test_load_string_errors_name_the_source),
        T(test_load_file),
        T(test_set_get_round_trip),
        T(test_failed_set_changes_nothing),
        T(test_environment_and_precedence),
        T(test_make_options_takes_effect),
    };
#undef T
    return cmocka_run_group_tests_name("config_capi", tests, NULL, NULL);
}
