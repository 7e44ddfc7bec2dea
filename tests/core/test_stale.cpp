// The stale matrix (PROTOCOL E and G): which lock files are stale, and why.
#include <gtest/gtest.h>

#if !defined(_WIN32)
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

#include <chrono>
#include <filesystem>

#include "filelock.h"
#include "file/stale.hpp"
#include "platform/platform.hpp"
#include "record.hpp"
#include "procs.h"
#include "tempdir.hpp"

using namespace filelock;
using filelock::test::TempDir;
using filelock::test::write_file;

namespace {

constexpr int64_t kHour = 3600 * 1000;

// The PID of a process that has exited and been reaped.
int64_t dead_pid()
{
    return fl_test_dead_pid(nullptr);
}

std::string record(int64_t pid, int64_t acquired_ms, const std::string &extra = "")
{
    return std::to_string(pid) + "\nv=1\nhost=" + platform::host_name() + "\nboot=" +
           platform::boot_id() + "\nacquired=" + std::to_string(acquired_ms) + "\n" + extra;
}

LockInfo judge(const std::string &path, int64_t threshold_ms = kHour)
{
    LockInfo info;
    int rc = inspect_lock(path, threshold_ms, platform::HeldIndex::snapshot(), &info);
    EXPECT_EQ(rc, FL_OK) << path;
    return info;
}

int64_t two_hours_ago()
{
    return platform::realtime_ms() - 2 * kHour;
}

// Date a file's modification two hours back.
bool age_two_hours(const std::string &path)
{
    std::error_code ec;
    std::filesystem::last_write_time(path, std::filesystem::file_time_type::clock::now() -
                                               std::chrono::hours(2), ec);
    return !ec;
}

} // namespace

TEST(Stale, DeadPidOldEnoughIsStale)
{
    TempDir d;
    write_file(d / "a.lock", record(dead_pid(), two_hours_ago()));
    LockInfo i = judge(d / "a.lock");
    EXPECT_EQ(i.held, 0);
    EXPECT_EQ(i.verdict.holder, Holder::Dead);
    EXPECT_TRUE(i.stale) << i.reason;
    // Windows may keep an exited process's object a moment: "has exited".
    EXPECT_TRUE(i.reason.find("not running") != std::string::npos ||
                i.reason.find("has exited") != std::string::npos) << i.reason;
}

TEST(Stale, YoungLockIsNotStale)
{
    TempDir d;
    write_file(d / "a.lock", record(dead_pid(), platform::realtime_ms()));
    LockInfo i = judge(d / "a.lock");
    EXPECT_EQ(i.verdict.holder, Holder::Dead);
    EXPECT_FALSE(i.stale);
    EXPECT_TRUE(judge(d / "a.lock", 0).stale) << "threshold 0 makes any dead lock stale";
}

TEST(Stale, LiveHolderIsNotStale)
{
    TempDir d;
    write_file(d / "a.lock", record(platform::current_pid(), two_hours_ago(),
                                    "start=" + std::to_string(platform::self_start_token()) + "\n"));
    LockInfo i = judge(d / "a.lock");
    EXPECT_EQ(i.verdict.holder, Holder::Alive);
    EXPECT_FALSE(i.stale);
}

TEST(Stale, ReusedPidIsDeadThroughItsStartToken)
{
    TempDir d;
    int64_t wrong = platform::self_start_token() + 1;
    write_file(d / "a.lock", record(platform::current_pid(), two_hours_ago(), "start=" + std::to_string(wrong) + "\n"));
    LockInfo i = judge(d / "a.lock");
    EXPECT_EQ(i.verdict.holder, Holder::Dead);
    EXPECT_TRUE(i.stale) << i.reason;
    EXPECT_NE(i.reason.find("another process"), std::string::npos) << i.reason;
}

TEST(Stale, OtherBootIsDead)
{
    TempDir d;
    std::string text = std::to_string(platform::current_pid()) + "\nv=1\nhost=" + platform::host_name() +
                       "\nboot=00000000-0000-0000-0000-000000000000\nacquired=" +
                       std::to_string(two_hours_ago()) + "\n";
    write_file(d / "a.lock", text);
    LockInfo i = judge(d / "a.lock");
    EXPECT_EQ(i.verdict.holder, Holder::Dead) << "a PID from before the last boot is gone";
    EXPECT_TRUE(i.stale);
}

TEST(Stale, OtherHostIsUnknownAndNeverStale)
{
    TempDir d;
    write_file(d / "a.lock", std::to_string(dead_pid()) + "\nv=1\nhost=some-other-host\nacquired=" +
                                 std::to_string(two_hours_ago()) + "\n");
    LockInfo i = judge(d / "a.lock", 0);
    EXPECT_EQ(i.verdict.holder, Holder::Unknown);
    EXPECT_TRUE(i.verdict.other_host);
    EXPECT_FALSE(i.stale);
}

TEST(Stale, OtherPidNamespaceIsUnknown)
{
    if (platform::pid_namespace().empty()) GTEST_SKIP() << "this system has no PID namespaces";
    TempDir d;
    write_file(d / "a.lock", record(dead_pid(), two_hours_ago(), "pidns=1\n"));
    LockInfo i = judge(d / "a.lock", 0);
    EXPECT_EQ(i.verdict.holder, Holder::Unknown) << "a container's PID means nothing here";
    EXPECT_FALSE(i.stale);
}

TEST(Stale, HeldLockWithDeadPidIsNotStale)
{
    TempDir d;
    write_file(d / "a.lock", record(dead_pid(), two_hours_ago()));
    platform::Dir dir;
    ASSERT_EQ(platform::Dir::open(d.path(), &dir), FL_OK);
    platform::OpenHow how;
    how.write = false;
    platform::Handle h = platform::kInvalid;
    platform::FileStat st;
    ASSERT_EQ(dir.open_lock("a.lock", how, &h, &st), FL_OK);
    ASSERT_EQ(platform::try_lock(h, false, "a.lock"), FL_OK);
    LockInfo i = judge(d / "a.lock", 0);
    EXPECT_EQ(i.held, 1);
    EXPECT_FALSE(i.stale) << "the OS lock is the only proof of ownership";
    platform::unlock(h);
    platform::close_handle(h);
    EXPECT_TRUE(judge(d / "a.lock", 0).stale);
}

TEST(Stale, UnparsableRecordsAreUnknownNeverStale)
{
    TempDir d;
    const std::string cases[] = {"", "garbage\n", "0\n", "-1\n", "1099511627776\n",
                                 std::string(5000, '7')};
    for (const auto &text : cases) {
        write_file(d / "a.lock", text);
        age_two_hours(d / "a.lock");
        LockInfo i = judge(d / "a.lock", 0);
        EXPECT_FALSE(i.record.valid) << text.substr(0, 20);
        EXPECT_EQ(i.verdict.holder, Holder::Unknown);
        EXPECT_FALSE(i.stale);
    }
}

TEST(Stale, OriginalPidOnlyRecordUsesMtimeForAge)
{
    TempDir d;
    write_file(d / "a.lock", std::to_string(dead_pid()) + "\n");
    EXPECT_FALSE(judge(d / "a.lock").stale) << "just written: too young";
    ASSERT_TRUE(age_two_hours(d / "a.lock"));
    LockInfo i = judge(d / "a.lock");
    EXPECT_GE(i.age_ms, 7000 * 1000);
    EXPECT_TRUE(i.stale) << i.reason;
}

#if !defined(_WIN32)  // fork (Windows: tests/windows, an exited process still open)
TEST(Stale, ZombieHolderIsDead)
{
    int pipefd[2];
    ASSERT_EQ(pipe(pipefd), 0);
    pid_t p = fork();
    if (p == 0) _exit(0);
    // Not reaped yet: kill(pid, 0) still succeeds, but the process is gone.
    siginfo_t si;
    ASSERT_EQ(waitid(P_PID, p, &si, WEXITED | WNOWAIT), 0);
    Record r;
    r.pid = p;
    r.valid = true;
    EXPECT_EQ(judge_holder(r).holder, Holder::Dead);
    waitpid(p, nullptr, 0);
    close(pipefd[0]);
    close(pipefd[1]);
}

#endif

TEST(Stale, NonRegularFilesAreNeverLockFiles)
{
    TempDir d;
    std::vector<const char *> names = {"dir.lock"};
    std::filesystem::create_directory(d / "dir.lock");
#if !defined(_WIN32)
    ASSERT_EQ(mkfifo((d / "f.lock").c_str(), 0644), 0);
    ASSERT_EQ(symlink("/etc/passwd", (d / "s.lock").c_str()), 0);
    names.push_back("f.lock");
    names.push_back("s.lock");
#endif
    for (const char *name : names) {
        LockInfo info;
        int rc = inspect_lock(d / name, 0, platform::HeldIndex::snapshot(), &info);
        EXPECT_EQ(rc, FL_EUNSAFE) << name;
        EXPECT_FALSE(info.stale);
        EXPECT_FALSE(info.reason.empty());
    }
}
