// config_test.hpp - helpers shared by the white-box config tests: load a
// YAML text with the environment ignored, check defaults.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "config.hpp"
#include "error.hpp"
#include "tempdir.hpp"

namespace filelock::test {

struct Result {
    int rc;
    Config cfg;
    std::string msg;
};

inline Result load_text(const std::string &yaml)
{
    Result r{};
    r.rc = config_load_string(yaml, "app.yaml", kConfigIgnoreEnv, &r.cfg);
    r.msg = last_error();
    return r;
}

// `lines` are the section's entries, already indented.
inline Result load_section(const std::string &lines)
{
    return load_text("file_locking:\n" + lines);
}

inline void expect_defaults(const Config &c)
{
    EXPECT_TRUE(c.enabled);
    EXPECT_EQ(c.timeout_ms, 30000);
    EXPECT_EQ(c.retry_attempts, 3);
    EXPECT_EQ(c.retry_delay_ms, 2000);
    EXPECT_TRUE(c.cleanup_stale_locks);
    EXPECT_EQ(c.stale_threshold_ms, 3600000);
    EXPECT_EQ(c.poll_interval_ms, 500);
    EXPECT_TRUE(c.remove_lock_files);
    EXPECT_EQ(c.lock_file_mode, 0644u);
    EXPECT_FALSE(c.lock_file_mode_set);
    EXPECT_EQ(c.lock_directory, "");
    EXPECT_FALSE(c.shared);
    EXPECT_EQ(c.tag, "");
}

} // namespace filelock::test
