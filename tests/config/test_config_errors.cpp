// test_config_errors.cpp - bad input to the `file_locking:` section: wrong
// types, negative and absurd values, unknown keys with suggestions, malformed
// YAML, bad files.  Each is FL_ECONFIG (or the file's own code) with a
// message naming the place, and nothing is half-applied.
#include <sys/stat.h>
#include <unistd.h>

#include "config_test.hpp"

using namespace filelock;
using namespace filelock::test;

struct BadCase {
    const char *line;      // one entry of the section (line 2 of the text)
    const char *position;  // expected "app.yaml:L:C"
    const char *reason;    // expected substring
};

class ConfigBadValue : public ::testing::TestWithParam<BadCase> {};

TEST_P(ConfigBadValue, IsRefusedWithPositionAndReason)
{
    const BadCase &c = GetParam();
    Result r = load_section(std::string(c.line) + "\n");
    EXPECT_EQ(r.rc, FL_ECONFIG);
    EXPECT_NE(r.msg.find(c.position), std::string::npos) << r.msg;
    EXPECT_NE(r.msg.find(c.reason), std::string::npos) << r.msg;
    expect_defaults(r.cfg);  // nothing was written to the output
}

INSTANTIATE_TEST_SUITE_P(
    WrongType, ConfigBadValue,
    ::testing::Values(
        BadCase{"  timeout_seconds: abc", "app.yaml:2:20:", "expected a number of seconds, got 'abc'"},
        BadCase{"  timeout_seconds: 30s", "app.yaml:2:20:", "expected a number of seconds"},
        BadCase{"  timeout_seconds: \"30\"", "app.yaml:2:20:", "quoted string '30'"},
        BadCase{"  timeout_seconds: .inf", "app.yaml:2:20:", "expected a number"},
        BadCase{"  timeout_seconds: 0x10", "app.yaml:2:20:", "expected a number"},
        BadCase{"  timeout_seconds: [1, 2]", "app.yaml:2:20:", "got a list"},
        BadCase{"  timeout_seconds: {a: 1}", "app.yaml:2:20:", "got a mapping"},
        BadCase{"  timeout_seconds:", "app.yaml:2:3:", "has no value"},
        BadCase{"  enabled: maybe", "app.yaml:2:12:", "expected true or false, got 'maybe'"},
        BadCase{"  enabled: 1", "app.yaml:2:12:", "expected true or false"},
        BadCase{"  shared: 'true'", "app.yaml:2:11:", "quoted string"},
        BadCase{"  retry_attempts: 2.5", "app.yaml:2:19:", "expected a whole number"},
        BadCase{"  retry_attempts: many", "app.yaml:2:19:", "expected a whole number"},
        BadCase{"  stale_threshold_hours: 1h", "app.yaml:2:26:", "expected a number of hours"},
        BadCase{"  lock_file_mode: rw-r--r--", "app.yaml:2:19:", "octal mode such as 0640"},
        BadCase{"  lock_file_mode: 0648", "app.yaml:2:19:", "not octal"},
        BadCase{"  lock_file_mode: 640", "app.yaml:2:19:", "ambiguous"},
        BadCase{"  tag: [a, b]", "app.yaml:2:8:", "got a list"},
        BadCase{"  tag: \"a\\nb\"", "app.yaml:2:8:", "newline"}));

INSTANTIATE_TEST_SUITE_P(
    Negative, ConfigBadValue,
    ::testing::Values(
        BadCase{"  timeout_seconds: -1", "app.yaml:2:20:", "must not be negative, got -1"},
        BadCase{"  retry_attempts: -3", "app.yaml:2:19:", "must not be negative"},
        BadCase{"  retry_delay_seconds: -0.5", "app.yaml:2:24:", "must not be negative"},
        BadCase{"  stale_threshold_hours: -2", "app.yaml:2:26:", "must not be negative"},
        BadCase{"  poll_interval_seconds: -1", "app.yaml:2:26:", "must not be negative"},
        BadCase{"  lock_file_mode: -0640", "app.yaml:2:19:", "octal mode"}));

const std::string kLongTag = "  tag: " + std::string(300, 'x');

INSTANTIATE_TEST_SUITE_P(
    Absurd, ConfigBadValue,
    ::testing::Values(
        BadCase{"  timeout_seconds: 604801", "app.yaml:2:20:", "at most 604800 seconds (1 week)"},
        BadCase{"  timeout_seconds: 1e400", "app.yaml:2:20:", "out of range"},
        BadCase{"  retry_attempts: 1001", "app.yaml:2:19:", "at most 1000"},
        BadCase{"  retry_attempts: 99999999999999999999999", "app.yaml:2:19:", "at most 1000"},
        BadCase{"  retry_delay_seconds: 86401", "app.yaml:2:24:", "at most 86400 seconds (1 day)"},
        BadCase{"  stale_threshold_hours: 8761", "app.yaml:2:26:", "at most 8760 hours (1 year)"},
        BadCase{"  poll_interval_seconds: 3601", "app.yaml:2:26:", "at most 3600 seconds"},
        BadCase{"  poll_interval_seconds: 0", "app.yaml:2:26:", "at least 0.001 seconds"},
        BadCase{"  lock_file_mode: 010000", "app.yaml:2:19:", "at most 07777"},
        BadCase{kLongTag.c_str(), "app.yaml:2:8:", "longer than 256"}));

// A key that is not known: reported at the key, with a suggestion when the
// slip is plausible.
struct UnknownCase {
    const char *key;
    const char *suggestion;  // "" = none expected
};

class ConfigUnknownKey : public ::testing::TestWithParam<UnknownCase> {};

TEST_P(ConfigUnknownKey, NamesKeyPositionAndSuggestion)
{
    const UnknownCase &c = GetParam();
    Result r = load_section("  enabled: true\n  " + std::string(c.key) + ": 1\n");
    EXPECT_EQ(r.rc, FL_ECONFIG);
    EXPECT_NE(r.msg.find("app.yaml:3:3: unknown key '" + std::string(c.key) + "'"),
              std::string::npos) << r.msg;
    if (*c.suggestion)
        EXPECT_NE(r.msg.find("did you mean '" + std::string(c.suggestion) + "'?"),
                  std::string::npos) << r.msg;
    else
        EXPECT_EQ(r.msg.find("did you mean"), std::string::npos) << r.msg;
}

INSTANTIATE_TEST_SUITE_P(
    Keys, ConfigUnknownKey,
    ::testing::Values(UnknownCase{"timeout_second", "timeout_seconds"},
                      UnknownCase{"timout_seconds", "timeout_seconds"},
                      UnknownCase{"timeout", "timeout_seconds"},
                      UnknownCase{"timeout_ms", "timeout_seconds"},
                      UnknownCase{"stale_threshold_seconds", "stale_threshold_hours"},
                      UnknownCase{"Enabled", "enabled"},
                      UnknownCase{"retry-attempts", "retry_attempts"},
                      UnknownCase{"lock_dir", "lock_directory"},
                      UnknownCase{"colour", ""},
                      UnknownCase{"completely_unrelated", ""}));

TEST(ConfigLoad, DuplicateKeyIsRefused)
{
    Result r = load_section("  timeout_seconds: 1\n  timeout_seconds: 2\n");
    EXPECT_EQ(r.rc, FL_ECONFIG);
    EXPECT_NE(r.msg.find("app.yaml:3:3: duplicate key 'timeout_seconds' (first at line 2)"),
              std::string::npos) << r.msg;
}

TEST(ConfigLoad, MalformedYamlNamesLineAndColumn)
{
    Result r = load_text("file_locking:\n  enabled: true\n   bad: x\n");
    EXPECT_EQ(r.rc, FL_ECONFIG);
    EXPECT_NE(r.msg.find("app.yaml:3:7: malformed YAML: "), std::string::npos) << r.msg;
    r = load_text("file_locking: {timeout_seconds: 1\n");
    EXPECT_EQ(r.rc, FL_ECONFIG);
    EXPECT_NE(r.msg.find("app.yaml:2:1: malformed YAML: "), std::string::npos) << r.msg;
}

TEST(ConfigLoad, WrongShapesAreRefused)
{
    Result r = load_text("- file_locking\n- other\n");
    EXPECT_EQ(r.rc, FL_ECONFIG);
    EXPECT_NE(r.msg.find("app.yaml:1:1: expected a mapping at the top level"), std::string::npos)
        << r.msg;
    r = load_text("other: 1\nfile_locking: 30\n");
    EXPECT_EQ(r.rc, FL_ECONFIG);
    EXPECT_NE(r.msg.find("app.yaml:2:15: file_locking must be a mapping"), std::string::npos)
        << r.msg;
    r = load_text("file_locking:\n  [a, b]: 1\n");
    EXPECT_EQ(r.rc, FL_ECONFIG);
    EXPECT_NE(r.msg.find("expected a key name"), std::string::npos) << r.msg;
    r = load_text("file_locking: {tag: a}\n---\nfile_locking: {tag: b}\n");
    EXPECT_EQ(r.rc, FL_ECONFIG);
    EXPECT_NE(r.msg.find("app.yaml:3:1: a second YAML document"), std::string::npos) << r.msg;
}

TEST(ConfigLoad, FailedLoadLeavesTheTargetUntouched)
{
    Config c;
    c.timeout_ms = 1234;
    c.tag = "before";
    // The first key is valid and would change the config; the second fails.
    int rc = config_load_string("file_locking:\n  timeout_seconds: 9\n  retry_attempts: x\n",
                                "app.yaml", kConfigIgnoreEnv, &c);
    EXPECT_EQ(rc, FL_ECONFIG);
    EXPECT_EQ(c.timeout_ms, 1234);
    EXPECT_EQ(c.tag, "before");
}

TEST(ConfigLoad, UnknownFlagsAreRefused)
{
    Config c;
    EXPECT_EQ(config_load_string("", "x", 0x80, &c), FL_EINVAL);
}

TEST(ConfigFile, LoadsAndNamesTheFileInErrors)
{
    TempDir d;
    std::string good = d / "good.yaml";
    write_file(good, "file_locking:\n  retry_attempts: 9\n");
    Config c;
    ASSERT_EQ(config_load_file(good, kConfigIgnoreEnv, &c), FL_OK) << last_error();
    EXPECT_EQ(c.retry_attempts, 9);

    std::string bad = d / "bad.yaml";
    write_file(bad, "file_locking:\n  retry_attempts: -1\n");
    EXPECT_EQ(config_load_file(bad, kConfigIgnoreEnv, &c), FL_ECONFIG);
    EXPECT_NE(last_error().find(bad + ":2:19: file_locking.retry_attempts: must not be negative"),
              std::string::npos) << last_error();
    EXPECT_EQ(c.retry_attempts, 9);
}

TEST(ConfigFile, MissingFileIsENOENT)
{
    TempDir d;
    Config c;
    std::string p = d / "nope.yaml";
    EXPECT_EQ(config_load_file(p, kConfigIgnoreEnv, &c), FL_ENOENT);
    EXPECT_NE(last_error().find(p), std::string::npos) << last_error();
}

TEST(ConfigFile, DirectoryIsRefused)
{
    TempDir d;
    Config c;
    EXPECT_EQ(config_load_file(d.path(), kConfigIgnoreEnv, &c), FL_ECONFIG);
    EXPECT_NE(last_error().find(d.path() + " is a directory"), std::string::npos) << last_error();
}

TEST(ConfigFile, UnreadableFileIsEPERM)
{
    if (::geteuid() == 0) GTEST_SKIP() << "root reads any file";
    TempDir d;
    std::string p = d / "secret.yaml";
    write_file(p, "file_locking: {}\n");
    ASSERT_EQ(::chmod(p.c_str(), 0), 0);
    Config c;
    EXPECT_EQ(config_load_file(p, kConfigIgnoreEnv, &c), FL_EPERM);
    EXPECT_NE(last_error().find(p), std::string::npos) << last_error();
}
