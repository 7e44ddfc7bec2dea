// test_config_sources.cpp - the sources after the file: FILELOCK_* variables
// and config_set(), their precedence, config_get() round trips, and that a
// failure never half-applies.  Every test starts and ends with no FILELOCK_*
// variable set (the fixture), so the outer environment cannot leak in.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "config.hpp"
#include "error.hpp"

using namespace filelock;

namespace {

std::string env_name(std::string_view key)
{
    std::string v = "FILELOCK_";
    for (char c : key) v += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return v;
}

void clear_env()
{
    for (std::string_view k : config_keys()) ::unsetenv(env_name(k).c_str());
}

class ConfigSources : public ::testing::Test {
protected:
    void SetUp() override { clear_env(); }
    void TearDown() override { clear_env(); }
    static void set_env(const char *name, const char *value) { ::setenv(name, value, 1); }
};

std::string get(const Config &c, std::string_view key)
{
    std::string out;
    EXPECT_EQ(config_get(c, key, &out), FL_OK) << last_error();
    return out;
}

bool same(const Config &a, const Config &b)
{
    return a.enabled == b.enabled && a.timeout_ms == b.timeout_ms &&
           a.retry_attempts == b.retry_attempts && a.retry_delay_ms == b.retry_delay_ms &&
           a.cleanup_stale_locks == b.cleanup_stale_locks &&
           a.stale_threshold_ms == b.stale_threshold_ms &&
           a.poll_interval_ms == b.poll_interval_ms && a.remove_lock_files == b.remove_lock_files &&
           a.lock_file_mode == b.lock_file_mode && a.lock_file_mode_set == b.lock_file_mode_set &&
           a.lock_directory == b.lock_directory && a.shared == b.shared && a.tag == b.tag &&
           a.backend == b.backend && a.lease_ttl_ms == b.lease_ttl_ms;
}

} // namespace

TEST_F(ConfigSources, KeysAreTheDocumentedFourteen)
{
    std::vector<std::string_view> want = {
        "enabled", "timeout_seconds", "retry_attempts", "retry_delay_seconds",
        "cleanup_stale_locks", "stale_threshold_hours", "poll_interval_seconds",
        "remove_lock_files", "lock_file_mode", "lock_directory", "shared", "tag",
        "backend", "lease_ttl_seconds"};
    EXPECT_EQ(config_keys(), want);
}

TEST_F(ConfigSources, EveryKeyFromTheEnvironment)
{
    set_env("FILELOCK_ENABLED", "false");
    set_env("FILELOCK_TIMEOUT_SECONDS", "5");
    set_env("FILELOCK_RETRY_ATTEMPTS", "8");
    set_env("FILELOCK_RETRY_DELAY_SECONDS", "0.75");
    set_env("FILELOCK_CLEANUP_STALE_LOCKS", "no");
    set_env("FILELOCK_STALE_THRESHOLD_HOURS", "24");
    set_env("FILELOCK_POLL_INTERVAL_SECONDS", "0.05");
    set_env("FILELOCK_REMOVE_LOCK_FILES", "off");
    set_env("FILELOCK_LOCK_FILE_MODE", "0600");
    set_env("FILELOCK_LOCK_DIRECTORY", "/tmp/locks here");
    set_env("FILELOCK_SHARED", "true");
    set_env("FILELOCK_TAG", "from env: #1");
    Config c;
    ASSERT_EQ(config_apply_env(&c), FL_OK) << last_error();
    EXPECT_FALSE(c.enabled);
    EXPECT_EQ(c.timeout_ms, 5000);
    EXPECT_EQ(c.retry_attempts, 8);
    EXPECT_EQ(c.retry_delay_ms, 750);
    EXPECT_FALSE(c.cleanup_stale_locks);
    EXPECT_EQ(c.stale_threshold_ms, 24 * 3600000LL);
    EXPECT_EQ(c.poll_interval_ms, 50);
    EXPECT_FALSE(c.remove_lock_files);
    EXPECT_EQ(c.lock_file_mode, 0600u);
    EXPECT_TRUE(c.lock_file_mode_set);
    EXPECT_EQ(c.lock_directory, "/tmp/locks here");  // strings are taken verbatim
    EXPECT_TRUE(c.shared);
    EXPECT_EQ(c.tag, "from env: #1");
}

TEST_F(ConfigSources, LoadersApplyTheEnvironmentUnlessTold)
{
    set_env("FILELOCK_TIMEOUT_SECONDS", "5");
    Config c;
    ASSERT_EQ(config_load_string("", "x", 0, &c), FL_OK) << last_error();
    EXPECT_EQ(c.timeout_ms, 5000);
    ASSERT_EQ(config_load_string("", "x", kConfigIgnoreEnv, &c), FL_OK) << last_error();
    EXPECT_EQ(c.timeout_ms, 30000);
}

TEST_F(ConfigSources, EmptyVariableCountsAsUnset)
{
    set_env("FILELOCK_TIMEOUT_SECONDS", "");
    set_env("FILELOCK_TAG", "");
    Config c;
    c.tag = "kept";
    ASSERT_EQ(config_apply_env(&c), FL_OK) << last_error();
    EXPECT_EQ(c.timeout_ms, 30000);
    EXPECT_EQ(c.tag, "kept");
}

TEST_F(ConfigSources, BadVariableIsNamedAndNothingApplied)
{
    set_env("FILELOCK_ENABLED", "false");  // valid, applied first...
    set_env("FILELOCK_TIMEOUT_SECONDS", "soon");  // ...but this one fails
    Config c;
    EXPECT_EQ(config_apply_env(&c), FL_ECONFIG);
    EXPECT_NE(last_error().find("environment variable FILELOCK_TIMEOUT_SECONDS: expected a number "
                                "of seconds, got 'soon'"),
              std::string::npos) << last_error();
    EXPECT_TRUE(c.enabled);

    Config loaded;
    loaded.retry_attempts = 42;
    EXPECT_EQ(config_load_string("file_locking: {retry_attempts: 1}", "x", 0, &loaded), FL_ECONFIG);
    EXPECT_EQ(loaded.retry_attempts, 42);

    clear_env();
    set_env("FILELOCK_RETRY_ATTEMPTS", "-2");
    EXPECT_EQ(config_apply_env(&c), FL_ECONFIG);
    EXPECT_NE(last_error().find("FILELOCK_RETRY_ATTEMPTS: must not be negative"), std::string::npos)
        << last_error();
}

TEST_F(ConfigSources, PrecedenceDefaultsFileEnvSet)
{
    set_env("FILELOCK_TIMEOUT_SECONDS", "20");
    set_env("FILELOCK_RETRY_ATTEMPTS", "6");
    Config c;
    ASSERT_EQ(config_load_string("file_locking:\n  timeout_seconds: 10\n  retry_attempts: 5\n"
                                 "  retry_delay_seconds: 7\n",
                                 "app.yaml", 0, &c),
              FL_OK) << last_error();
    ASSERT_EQ(config_set(&c, "timeout_seconds", "30.5"), FL_OK) << last_error();
    EXPECT_EQ(c.timeout_ms, 30500);     // set beats env and file
    EXPECT_EQ(c.retry_attempts, 6);     // env beats file
    EXPECT_EQ(c.retry_delay_ms, 7000);  // file beats defaults
    EXPECT_EQ(c.stale_threshold_ms, 3600000);  // default
}

TEST_F(ConfigSources, DefaultsReadBackAsText)
{
    Config c;
    EXPECT_EQ(get(c, "enabled"), "true");
    EXPECT_EQ(get(c, "timeout_seconds"), "30");
    EXPECT_EQ(get(c, "retry_attempts"), "3");
    EXPECT_EQ(get(c, "retry_delay_seconds"), "2");
    EXPECT_EQ(get(c, "cleanup_stale_locks"), "true");
    EXPECT_EQ(get(c, "stale_threshold_hours"), "1");
    EXPECT_EQ(get(c, "poll_interval_seconds"), "0.5");
    EXPECT_EQ(get(c, "remove_lock_files"), "true");
    EXPECT_EQ(get(c, "lock_file_mode"), "");  // not set: 0644 less umask
    EXPECT_EQ(get(c, "lock_directory"), "");
    EXPECT_EQ(get(c, "shared"), "false");
    EXPECT_EQ(get(c, "tag"), "");
}

TEST_F(ConfigSources, SetThenGetEveryKey)
{
    struct { const char *key, *value, *back; } cases[] = {
        {"enabled", "no", "false"},
        {"timeout_seconds", " 2.5 ", "2.5"},
        {"retry_attempts", "+10", "10"},
        {"retry_delay_seconds", "0.001", "0.001"},
        {"cleanup_stale_locks", "FALSE", "false"},
        {"stale_threshold_hours", "0.25", "0.25"},
        {"poll_interval_seconds", "1e-1", "0.1"},
        {"remove_lock_files", "off", "false"},
        {"lock_file_mode", "\"0o751\"", "0751"},
        {"lock_directory", " /odd path/ ", " /odd path/ "},
        {"shared", "on", "true"},
        {"tag", "'quoted'", "'quoted'"},
    };
    for (auto &t : cases) {
        Config c;
        ASSERT_EQ(config_set(&c, t.key, t.value), FL_OK) << t.key << ": " << last_error();
        EXPECT_EQ(get(c, t.key), t.back) << t.key;
    }
}

TEST_F(ConfigSources, GetTextRoundTripsThroughSet)
{
    // Values whose text form is not obvious: a millisecond of an hour, a
    // setuid mode, an unset mode after a set one.
    Config c;
    c.stale_threshold_ms = 1;
    c.timeout_ms = 1234567;
    c.retry_delay_ms = 1;
    c.poll_interval_ms = 3599999;
    c.lock_file_mode = 04755;
    c.lock_file_mode_set = true;
    c.tag = "a tag";
    c.enabled = false;
    for (int pass = 0; pass < 2; ++pass) {
        Config back;
        back.lock_file_mode_set = !c.lock_file_mode_set;  // must be overwritten
        for (std::string_view k : config_keys())
            ASSERT_EQ(config_set(&back, k, get(c, k)), FL_OK) << k << ": " << last_error();
        EXPECT_TRUE(same(c, back)) << "pass " << pass;
        c.lock_file_mode_set = false;
        c.lock_file_mode = 0644;
    }
}

TEST_F(ConfigSources, SetRefusesBadInputAndKeepsState)
{
    Config c;
    ASSERT_EQ(config_set(&c, "timeout_seconds", "7"), FL_OK);
    struct { const char *key, *value, *reason; } bad[] = {
        {"timeout_seconds", "-1", "timeout_seconds: must not be negative"},
        {"timeout_seconds", "\"5\"", "quoted string"},
        {"timeout_seconds", "", "has no value"},
        {"timeout_seconds", "1 week", "expected a number of seconds"},
        {"retry_attempts", "1.5", "expected a whole number"},
        {"enabled", "2", "expected true or false"},
        {"lock_file_mode", "755", "ambiguous"},
        {"tag", "two\nlines", "newline"},
        {"timeout_secs", "1", "unknown key 'timeout_secs' in file_locking (did you mean "
                              "'timeout_seconds'?)"},
    };
    for (auto &b : bad) {
        EXPECT_EQ(config_set(&c, b.key, b.value), FL_ECONFIG) << b.key << "=" << b.value;
        EXPECT_NE(last_error().find(b.reason), std::string::npos) << last_error();
        EXPECT_EQ(c.timeout_ms, 7000);
        EXPECT_EQ(c.retry_attempts, 3);
        EXPECT_TRUE(c.enabled);
        EXPECT_FALSE(c.lock_file_mode_set);
        EXPECT_EQ(c.tag, "");
    }
}

TEST_F(ConfigSources, SetEmptyClearsStringsAndMode)
{
    Config c;
    ASSERT_EQ(config_set(&c, "tag", "x"), FL_OK);
    ASSERT_EQ(config_set(&c, "lock_file_mode", "0600"), FL_OK);
    ASSERT_EQ(config_set(&c, "tag", ""), FL_OK);
    ASSERT_EQ(config_set(&c, "lock_file_mode", ""), FL_OK);
    EXPECT_EQ(c.tag, "");
    EXPECT_FALSE(c.lock_file_mode_set);
    EXPECT_EQ(c.lock_file_mode, 0644u);
}

TEST_F(ConfigSources, GetUnknownKeyIsAnError)
{
    std::string out = "untouched";
    EXPECT_EQ(config_get(Config{}, "timeouts", &out), FL_ECONFIG);
    EXPECT_NE(last_error().find("did you mean 'timeout_seconds'"), std::string::npos);
    EXPECT_EQ(out, "untouched");
}

TEST(ConfigSuggest, OnlyPlausibleSlips)
{
    EXPECT_EQ(suggest_key("retry_attempt"), "retry_attempts");
    EXPECT_EQ(suggest_key("RETRY_DELAY"), "retry_delay_seconds");
    EXPECT_EQ(suggest_key("poll_interval_ms"), "poll_interval_seconds");
    EXPECT_EQ(suggest_key("cleanup_stale"), "cleanup_stale_locks");
    EXPECT_EQ(suggest_key("shard"), "shared");
    EXPECT_EQ(suggest_key("mode"), "");
    EXPECT_EQ(suggest_key("x"), "");
    EXPECT_EQ(suggest_key(""), "");
}
