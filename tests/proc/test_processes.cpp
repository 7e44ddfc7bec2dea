// Exclusion and crash behaviour between real processes.  Each child is the
// `locker` helper program, which uses only the public C API.
#include <gtest/gtest.h>

#include <signal.h>

#include <sstream>
#include <vector>

#include "child.hpp"
#include "filelock.h"
#include "tempdir.hpp"

using filelock::test::Child;
using filelock::test::read_file;
using filelock::test::TempDir;

namespace {

std::string g_locker;  // path of the helper program (argv[1])

// The log holds "enter P" / "exit P" lines appended inside each critical
// section.  Exclusion held iff they strictly alternate with matching PIDs.
::testing::AssertionResult alternates(const std::string &log, int expected_sections)
{
    std::istringstream in(log);
    std::string what, pid, inside_pid;
    int sections = 0, line = 0;
    while (in >> what >> pid) {
        ++line;
        if (what == "enter") {
            if (!inside_pid.empty())
                return ::testing::AssertionFailure()
                       << "line " << line << ": pid " << pid << " entered while " << inside_pid
                       << " was inside";
            inside_pid = pid;
        } else {
            if (inside_pid != pid)
                return ::testing::AssertionFailure() << "line " << line << ": exit by " << pid;
            inside_pid.clear();
            ++sections;
        }
    }
    if (sections != expected_sections)
        return ::testing::AssertionFailure() << sections << " sections, expected " << expected_sections;
    return ::testing::AssertionSuccess();
}

void run_contenders(const TempDir &d, int procs, int iterations, std::vector<std::string> extra,
                    bool with_cleaner = false)
{
    std::vector<std::unique_ptr<Child>> kids;
    for (int i = 0; i < procs; ++i) {
        std::vector<std::string> argv = {g_locker, "loop", d / "target", std::to_string(iterations),
                                         d / "log"};
        argv.insert(argv.end(), extra.begin(), extra.end());
        kids.push_back(std::make_unique<Child>(argv));
    }
    std::unique_ptr<Child> cleaner;
    if (with_cleaner) cleaner = std::make_unique<Child>(std::vector<std::string>{g_locker, "clean", d.path(), "3000"});
    for (auto &k : kids) {
        EXPECT_EQ(k->read_line(), "overlaps 0");
        EXPECT_EQ(k->exit_code(), 0);
    }
    if (cleaner) {
        EXPECT_EQ(cleaner->read_line().rfind("removed ", 0), 0u);
        EXPECT_EQ(cleaner->exit_code(), 0);
    }
    EXPECT_TRUE(alternates(read_file(d / "log"), procs * iterations));
}

} // namespace

TEST(Processes, ExclusionWithLockFileRemoval)
{
    TempDir d;
    run_contenders(d, 4, 400, {});
}

TEST(Processes, ExclusionWithFiniteTimeoutWaits)
{
    TempDir d;
    run_contenders(d, 4, 400, {"timeout=60000"});
}

TEST(Processes, ExclusionKeepingTheLockFile)
{
    TempDir d;
    run_contenders(d, 4, 400, {"keep"});
}

TEST(Processes, ExclusionWhileACleanerLoopsOverTheDirectory)
{
    TempDir d;
    run_contenders(d, 4, 400, {"timeout=60000"}, true);
}

TEST(Processes, SigkilledHolderNeverBlocksTheNextAcquirer)
{
    TempDir d;
    Child holder({g_locker, "hold", d / "target"});
    ASSERT_EQ(holder.read_line().rfind("held ", 0), 0u);
    // A second process already waiting, with no time limit.
    Child waiter({g_locker, "hold", d / "target"});
    fl_lock *probe = nullptr;
    ASSERT_EQ(fl_lock_new(&probe, (d / "target").c_str(), nullptr), FL_OK);
    EXPECT_EQ(fl_acquire(probe, 0), FL_EBUSY);
    holder.signal(SIGKILL);
    EXPECT_EQ(holder.exit_code(), 128 + SIGKILL);
    EXPECT_EQ(waiter.read_line(), "held " + std::to_string(waiter.pid()));
    waiter.close_stdin();
    EXPECT_EQ(waiter.exit_code(), 0);
    EXPECT_EQ(fl_acquire(probe, 10000), FL_OK);
    fl_lock_free(probe);
}

TEST(Processes, CrashedHoldersFileIsStaleAndOverwritten)
{
    TempDir d;
    Child holder({g_locker, "hold", d / "target"});
    std::string line = holder.read_line();
    ASSERT_EQ(line.rfind("held ", 0), 0u);
    holder.signal(SIGKILL);
    holder.wait();
    std::string lock = d / "target.lock";
    EXPECT_EQ(fl_is_stale(lock.c_str(), 0), 1) << "left behind by a dead holder";
    int64_t pid = 0;
    ASSERT_EQ(fl_holder_pid(lock.c_str(), &pid), FL_OK);
    EXPECT_EQ(pid, holder.pid());
    fl_lock *l = nullptr;
    ASSERT_EQ(fl_lock_new(&l, (d / "target").c_str(), nullptr), FL_OK);
    ASSERT_EQ(fl_acquire(l, 0), FL_OK) << "the kernel freed the crashed holder's lock";
    ASSERT_EQ(fl_holder_pid(lock.c_str(), &pid), FL_OK);
    EXPECT_EQ(pid, getpid());
    fl_lock_free(l);
}

TEST(Processes, SharedHoldersInDifferentProcesses)
{
    TempDir d;
    Child r1({g_locker, "hold", d / "target", "shared"});
    ASSERT_EQ(r1.read_line().rfind("held ", 0), 0u);
    Child r2({g_locker, "hold", d / "target", "shared", "timeout=0"});
    EXPECT_EQ(r2.read_line().rfind("held ", 0), 0u) << "readers share";
    Child w({g_locker, "hold", d / "target", "timeout=0"});
    EXPECT_EQ(w.read_line().rfind("fail -1 ", 0), 0u) << "a writer is refused while readers hold";
    r1.close_stdin();
    r2.close_stdin();
    EXPECT_EQ(r1.exit_code(), 0);
    EXPECT_EQ(r2.exit_code(), 0);
    Child w2({g_locker, "hold", d / "target", "timeout=0"});
    EXPECT_EQ(w2.read_line().rfind("held ", 0), 0u);
}

int main(int argc, char **argv)
{
    ::testing::InitGoogleTest(&argc, argv);
    if (argc < 2) {
        fprintf(stderr, "usage: %s PATH-TO-LOCKER\n", argv[0]);
        return 2;
    }
    g_locker = argv[1];
    return RUN_ALL_TESTS();
}
