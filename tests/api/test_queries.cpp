// What the CLI used to re-derive, now asked of the library: the kind of file
// at a lock path, "other host", typed config values and one seconds grammar,
// the start-of-run cleanup, and a clear error for the wrong kind of path.
#include <sys/stat.h>

#include "api.hpp"

using namespace filelock::test;

namespace {

std::string dead_record(const std::string &host = "")
{
    std::string h = host.empty() ? host_name() : host;
    return std::to_string(dead_pid()) + "\nv=1\nhost=" + h + "\nacquired=1000\n";
}

fl::config_ptr config()
{
    fl_config *c = nullptr;
    fl_config_new(&c, FL_CONFIG_IGNORE_ENV);
    return fl::config_ptr(c);
}

} // namespace

TEST(WrongKind, ATargetQueryGivenALockFileSaysSo)
{
    TempDir d;
    auto holder = hold_in_process(d / "t");
    EXPECT_EQ(fl_is_locked((d / "t").c_str(), nullptr), 1);
    EXPECT_EQ(fl_is_locked((d / "t.lock").c_str(), nullptr), FL_EINVAL)
        << "1.0 answered 0 here while t.lock was held";
    EXPECT_NE(std::string(fl_last_error_message()).find("is a lock file"), std::string::npos);
    EXPECT_EQ(fl_wait_released((d / "t.lock").c_str(), nullptr, 0), FL_EINVAL);
}

TEST(WrongKind, ALockFileQueryGivenATargetSaysSo)
{
    TempDir d;
    write_file(d / "t", "the data");
    auto holder = hold_in_process(d / "t", {"keep"});
    fl_lock_info *info = nullptr;
    EXPECT_EQ(fl_lock_info_read((d / "t").c_str(), 0, &info), FL_EINVAL);
    EXPECT_EQ(info, nullptr);
    EXPECT_NE(std::string(fl_last_error_message()).find("t.lock"), std::string::npos);
    int64_t pid = 0;
    EXPECT_EQ(fl_holder_pid((d / "t").c_str(), &pid), FL_EINVAL);
    EXPECT_EQ(fl_is_stale((d / "t").c_str(), 0), FL_EINVAL);
    EXPECT_EQ(fl_holder_pid((d / "t.lock").c_str(), &pid), FL_OK);
    EXPECT_EQ(pid, holder->pid());
}

TEST(WrongKind, TargetsThatAreNamedLikeLockFilesStillWork)
{
    TempDir d;
    write_file(d / "Cargo.lock", "version = 3\n");  // a target, not a lock file
    EXPECT_EQ(fl_is_locked((d / "Cargo.lock").c_str(), nullptr), 0);
    auto l = fl::make_lock(d / "Cargo.lock");
    ASSERT_EQ(fl_acquire(l.get(), 0), FL_OK);
    EXPECT_EQ(fl_is_locked((d / "Cargo.lock").c_str(), nullptr), 1);
    // An explicit lock file with no .lock suffix reads as itself.
    auto e = fl::make_file_lock(d / "mylock");
    ASSERT_EQ(fl_acquire(e.get(), 0), FL_OK);
    auto info = fl::read_lock_info(d / "mylock", 0);
    ASSERT_TRUE(info);
    EXPECT_EQ(info->held, 1);
}

TEST(LockInfo, KindAndOtherHost)
{
    TempDir d;
    write_file(d / "here.lock", dead_record());
    write_file(d / "there.lock", dead_record("build-host-7"));
    ASSERT_EQ(::mkfifo((d / "pipe.lock").c_str(), 0644), 0);
    auto here = fl::read_lock_info(d / "here.lock", 0);
    auto there = fl::read_lock_info(d / "there.lock", 0);
    ASSERT_TRUE(here && there);
    ASSERT_GE(here->struct_size, offsetof(fl_lock_info, other_host) + sizeof(int32_t));
    EXPECT_STREQ(here->kind, "regular file");
    EXPECT_EQ(here->other_host, 0);
    EXPECT_EQ(there->other_host, 1);
    EXPECT_EQ(there->holder, FL_HOLDER_UNKNOWN);

    auto so = fl::make_scan_options();
    fl_lock_list *raw = nullptr;
    ASSERT_EQ(fl_scan(d.path().c_str(), so.get(), &raw), FL_OK);
    fl::lock_list_ptr list(raw);
    bool saw_fifo = false;
    for (size_t i = 0; i < list->count; ++i)
        if (std::string(list->items[i]->lock_path).find("pipe.lock") != std::string::npos) {
            saw_fifo = true;
            EXPECT_STREQ(list->items[i]->kind, "FIFO");
        }
    EXPECT_TRUE(saw_fifo);
}

TEST(Config, TypedGettersReadTheValuesTheLibraryUses)
{
    auto c = config();
    int64_t ms = 0;
    int b = -1;
    EXPECT_EQ(fl_config_get_ms(c.get(), "timeout_seconds", &ms), FL_OK);
    EXPECT_EQ(ms, 30000);
    ASSERT_EQ(fl_config_set(c.get(), "poll_interval_seconds", "0.25"), FL_OK);
    EXPECT_EQ(fl_config_get_ms(c.get(), "poll_interval_seconds", &ms), FL_OK);
    EXPECT_EQ(ms, 250);
    EXPECT_EQ(fl_config_get_ms(c.get(), "stale_threshold_hours", &ms), FL_OK);
    EXPECT_EQ(ms, 3600000);
    EXPECT_EQ(fl_config_get_bool(c.get(), "cleanup_stale_locks", &b), FL_OK);
    EXPECT_EQ(b, 1);
    EXPECT_EQ(fl_config_get_bool(c.get(), "shared", &b), FL_OK);
    EXPECT_EQ(b, 0);
    EXPECT_EQ(fl_config_get_ms(c.get(), "shared", &ms), FL_ECONFIG);
    EXPECT_EQ(fl_config_get_bool(c.get(), "timeout_seconds", &b), FL_ECONFIG);
    EXPECT_EQ(fl_config_get_ms(c.get(), "timeout", &ms), FL_ECONFIG);
    EXPECT_NE(std::string(fl_last_error_message()).find("did you mean"), std::string::npos);
    EXPECT_EQ(fl_config_get_ms(nullptr, "timeout_seconds", &ms), FL_EINVAL);
}

TEST(Config, OneGrammarForSeconds)
{
    int64_t ms = 0;
    EXPECT_EQ(fl_parse_seconds("2.5", 0, &ms), FL_OK);
    EXPECT_EQ(ms, 2500);
    EXPECT_EQ(fl_parse_seconds("0", 0, &ms), FL_OK);
    EXPECT_EQ(ms, 0);
    EXPECT_EQ(fl_parse_seconds("inf", 1, &ms), FL_OK);
    EXPECT_EQ(ms, FL_WAIT_FOREVER);
    EXPECT_EQ(fl_parse_seconds("1e12", 1, &ms), FL_OK) << "beyond a century is no limit";
    EXPECT_EQ(ms, FL_WAIT_FOREVER);
    for (const char *bad : {"0x1", "30s", "", "-2", "nan", " 1"})
        EXPECT_EQ(fl_parse_seconds(bad, 1, &ms), FL_ECONFIG) << bad;
    EXPECT_EQ(fl_parse_seconds("inf", 0, &ms), FL_ECONFIG);
    auto c = config();
    EXPECT_EQ(fl_config_set(c.get(), "timeout_seconds", "0x1"), FL_ECONFIG)
        << "the file refuses what the flag refuses";
}

TEST(StartOfRun, CleansTheTargetsDirectoriesWithoutDescending)
{
    TempDir d;
    ASSERT_EQ(::mkdir((d / "sub").c_str(), 0755), 0);
    write_file(d / "old.lock", dead_record());
    write_file(d / "sub/deep.lock", dead_record());
    const std::string target = d / "t";
    const char *targets[] = {target.c_str()};
    fl_clean_report *raw = nullptr;
    ASSERT_EQ(fl_cleanup_for_targets(targets, 1, nullptr, 0, &raw), FL_OK);
    fl::clean_report_ptr rep(raw);
    EXPECT_EQ(rep->count, 1u);
    struct stat st;
    EXPECT_NE(::lstat((d / "old.lock").c_str(), &st), 0);
    EXPECT_EQ(::lstat((d / "sub/deep.lock").c_str(), &st), 0) << "not descended into";
    EXPECT_EQ(fl_cleanup_for_targets(nullptr, 1, nullptr, 0, &raw), FL_EINVAL);
    EXPECT_EQ(fl_cleanup_for_targets(targets, 1, nullptr, -1, &raw), FL_EINVAL);
}
