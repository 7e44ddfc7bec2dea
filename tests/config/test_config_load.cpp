// test_config_load.cpp - the YAML `file_locking:` section read right: every
// key, every default, fractions, spellings, files, and the lock options made
// from it.  Environment variables are ignored here (kConfigIgnoreEnv); see
// test_config_sources.cpp for them, test_config_errors.cpp for bad input.
#include "config_test.hpp"

using namespace filelock;
using namespace filelock::test;

TEST(ConfigLoad, DefaultsAreTheOriginalSystems)
{
    expect_defaults(Config{});
    Result r = load_text("");
    ASSERT_EQ(r.rc, FL_OK) << r.msg;
    expect_defaults(r.cfg);
}

TEST(ConfigLoad, FileWithoutTheSectionGivesDefaults)
{
    Result r = load_text("app:\n  name: demo\n  timeout_seconds: 99\nlogging: {level: debug}\n");
    ASSERT_EQ(r.rc, FL_OK) << r.msg;
    expect_defaults(r.cfg);
    r = load_text("file_locking:\n# nothing set yet\nother: 1\n");
    ASSERT_EQ(r.rc, FL_OK) << r.msg;
    expect_defaults(r.cfg);
}

TEST(ConfigLoad, EveryKeyIsRead)
{
    Result r = load_section("  enabled: false\n"
                            "  timeout_seconds: 12\n"
                            "  retry_attempts: 7\n"
                            "  retry_delay_seconds: 4\n"
                            "  cleanup_stale_locks: false\n"
                            "  stale_threshold_hours: 3\n"
                            "  poll_interval_seconds: 0.25\n"
                            "  remove_lock_files: false\n"
                            "  lock_file_mode: 0640\n"
                            "  lock_directory: /var/lock/app\n"
                            "  shared: true\n"
                            "  tag: nightly\n");
    ASSERT_EQ(r.rc, FL_OK) << r.msg;
    EXPECT_FALSE(r.cfg.enabled);
    EXPECT_EQ(r.cfg.timeout_ms, 12000);
    EXPECT_EQ(r.cfg.retry_attempts, 7);
    EXPECT_EQ(r.cfg.retry_delay_ms, 4000);
    EXPECT_FALSE(r.cfg.cleanup_stale_locks);
    EXPECT_EQ(r.cfg.stale_threshold_ms, 3 * 3600000);
    EXPECT_EQ(r.cfg.poll_interval_ms, 250);
    EXPECT_FALSE(r.cfg.remove_lock_files);
    EXPECT_EQ(r.cfg.lock_file_mode, 0640u);
    EXPECT_TRUE(r.cfg.lock_file_mode_set);
    EXPECT_EQ(r.cfg.lock_directory, "/var/lock/app");
    EXPECT_TRUE(r.cfg.shared);
    EXPECT_EQ(r.cfg.tag, "nightly");
}

TEST(ConfigLoad, SectionInsideALargerConfig)
{
    Result r = load_text("app:\n  workers: 4\n  file_locking: {timeout_seconds: 1}\n"
                         "file_locking:\n  timeout_seconds: 5\n  retry_attempts: 0\n"
                         "output:\n  dir: out\n");
    ASSERT_EQ(r.rc, FL_OK) << r.msg;
    EXPECT_EQ(r.cfg.timeout_ms, 5000);  // the nested one is not the section
    EXPECT_EQ(r.cfg.retry_attempts, 0);
    EXPECT_EQ(r.cfg.retry_delay_ms, 2000);
}

TEST(ConfigLoad, FractionsAndZeros)
{
    Result r = load_section("  timeout_seconds: 2.5\n  retry_delay_seconds: 0\n"
                            "  stale_threshold_hours: 0.5\n  poll_interval_seconds: 1e-2\n");
    ASSERT_EQ(r.rc, FL_OK) << r.msg;
    EXPECT_EQ(r.cfg.timeout_ms, 2500);
    EXPECT_EQ(r.cfg.retry_delay_ms, 0);
    EXPECT_EQ(r.cfg.stale_threshold_ms, 1800000);
    EXPECT_EQ(r.cfg.poll_interval_ms, 10);
    r = load_section("  timeout_seconds: 0\n  stale_threshold_hours: 0\n  retry_attempts: 0\n");
    ASSERT_EQ(r.rc, FL_OK) << r.msg;
    EXPECT_EQ(r.cfg.timeout_ms, 0);
    EXPECT_EQ(r.cfg.stale_threshold_ms, 0);
    EXPECT_EQ(r.cfg.retry_attempts, 0);
}

TEST(ConfigLoad, UpperBoundsAreInclusive)
{
    Result r = load_section("  timeout_seconds: 604800\n  retry_attempts: 1000\n"
                            "  retry_delay_seconds: 86400\n  stale_threshold_hours: 8760\n"
                            "  poll_interval_seconds: 3600\n  lock_file_mode: 07777\n");
    ASSERT_EQ(r.rc, FL_OK) << r.msg;
    EXPECT_EQ(r.cfg.timeout_ms, 604800000);
    EXPECT_EQ(r.cfg.retry_attempts, 1000);
    EXPECT_EQ(r.cfg.stale_threshold_ms, int64_t(8760) * 3600000);
    EXPECT_EQ(r.cfg.lock_file_mode, 07777u);
}

TEST(ConfigLoad, BooleanSpellings)
{
    for (const char *t : {"true", "True", "TRUE", "yes", "on"}) {
        Result r = load_section(std::string("  enabled: false\n  shared: ") + t + "\n");
        ASSERT_EQ(r.rc, FL_OK) << t << ": " << r.msg;
        EXPECT_TRUE(r.cfg.shared) << t;
    }
    for (const char *t : {"false", "False", "no", "off", "OFF"}) {
        Result r = load_section(std::string("  enabled: ") + t + "\n");
        ASSERT_EQ(r.rc, FL_OK) << t << ": " << r.msg;
        EXPECT_FALSE(r.cfg.enabled) << t;
    }
}

TEST(ConfigLoad, ModeIsOctalQuotedOrNot)
{
    struct { const char *text; uint32_t mode; } cases[] = {
        {"0640", 0640}, {"\"0640\"", 0640}, {"'0600'", 0600}, {"0o640", 0640},
        {"00640", 0640}, {"0", 0}, {"04755", 04755},
    };
    for (auto &c : cases) {
        Result r = load_section(std::string("  lock_file_mode: ") + c.text + "\n");
        ASSERT_EQ(r.rc, FL_OK) << c.text << ": " << r.msg;
        EXPECT_EQ(r.cfg.lock_file_mode, c.mode) << c.text;
        EXPECT_TRUE(r.cfg.lock_file_mode_set) << c.text;
    }
    Result r = load_section("  lock_file_mode:\n");  // empty: the default
    ASSERT_EQ(r.rc, FL_OK) << r.msg;
    EXPECT_FALSE(r.cfg.lock_file_mode_set);
}

TEST(ConfigLoad, StringsAndEmptyStrings)
{
    Result r = load_section("  tag: 123\n  lock_directory: \"/tmp/a dir\"\n");
    ASSERT_EQ(r.rc, FL_OK) << r.msg;
    EXPECT_EQ(r.cfg.tag, "123");
    EXPECT_EQ(r.cfg.lock_directory, "/tmp/a dir");
    r = load_section("  tag:\n  lock_directory: ''\n");
    ASSERT_EQ(r.rc, FL_OK) << r.msg;
    EXPECT_EQ(r.cfg.tag, "");
    EXPECT_EQ(r.cfg.lock_directory, "");
}

// Each bad value: the error code, the position of the value, and the reason.
TEST(ConfigOptions, CarryTheLockSettings)
{
    Options o = Config{}.to_options();
    EXPECT_EQ(o.timeout_ms, 30000);
    EXPECT_EQ(o.poll_interval_ms, 500);
    EXPECT_FALSE(o.shared);
    EXPECT_TRUE(o.file.remove_on_release);
    EXPECT_EQ(o.file.create_mode, 0644u);
    EXPECT_FALSE(o.file.mode_explicit);  // no mode set: umask applies, no fchmod

    Result r = load_section("  timeout_seconds: 1.5\n  poll_interval_seconds: 0.1\n"
                            "  shared: yes\n  remove_lock_files: no\n  lock_file_mode: 0660\n"
                            "  lock_directory: /run/locks\n  tag: job-7\n");
    ASSERT_EQ(r.rc, FL_OK) << r.msg;
    o = r.cfg.to_options();
    EXPECT_EQ(o.timeout_ms, 1500);
    EXPECT_EQ(o.poll_interval_ms, 100);
    EXPECT_TRUE(o.shared);
    EXPECT_FALSE(o.file.remove_on_release);
    EXPECT_EQ(o.file.create_mode, 0660u);
    EXPECT_TRUE(o.file.mode_explicit);
    EXPECT_EQ(o.file.lock_dir, "/run/locks");
    EXPECT_EQ(o.tag, "job-7");
}
