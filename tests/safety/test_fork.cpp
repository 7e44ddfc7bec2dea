// Descriptors, fork and threads: the descriptor count stays flat over
// thousands of hand-offs (safety item 4); a holder that forked a child and
// then crashed does not block anyone (item 5); a forked child's own handles
// wait for its parent's locks, and the deadlock check can be turned off
// (item 6).
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <atomic>
#include <memory>
#include <thread>

#include "child.hpp"
#include "safety.hpp"

using namespace filelock::test;

namespace {

std::vector<std::unique_ptr<Child>> contenders(const TempDir &d, int n, int iterations)
{
    std::vector<std::unique_ptr<Child>> kids;
    for (int i = 0; i < n; ++i)
        kids.push_back(std::make_unique<Child>(std::vector<std::string>{
            g_locker, "loop", d / "t", std::to_string(iterations), d / "log"}));
    return kids;
}

} // namespace

TEST(Descriptors, CountStaysFlatOverThousandsOfHandOffs)
{
    TempDir d;
    LockPtr l = make_lock(d / "t");
    {
        // Warm up: this thread's wake-up instance is created on its first
        // wait, and kept.
        Child holder({g_locker, "hold", d / "t"});
        ASSERT_EQ(holder.read_line().rfind("held ", 0), 0u);
        ASSERT_EQ(fl_acquire(l.get(), 1), FL_ETIMEDOUT);
    }
    auto kids = contenders(d, 3, 1500);  // they hand the lock off among themselves
    const int baseline = open_fds();     // their pipes included
    std::atomic<bool> done{false};
    std::atomic<int> peak{0};
    std::thread sampler([&] {
        while (!done) {
            int n = open_fds();
            if (n > peak) peak = n;
            ::usleep(200);
        }
    });
    int failures = 0;
    for (int i = 0; i < 1500; ++i) {
        if (fl_acquire(l.get(), 60000) != FL_OK) ++failures;
        else fl_release(l.get());
    }
    for (auto &k : kids) EXPECT_EQ(k->exit_code(), 0);
    done = true;
    sampler.join();
    EXPECT_EQ(failures, 0);
    // This handle keeps at most its directory, its file and two retired
    // descriptors; the sampler's own listing is one more.
    EXPECT_LE(peak.load(), baseline + 5) << "baseline " << baseline;
    EXPECT_EQ(open_fds(), baseline);
}

TEST(Descriptors, ManyWaitersUnderALowDescriptorLimitAllSucceed)
{
    TempDir d;
    int rc = in_child([&] {
        struct rlimit r = {64, 64};
        if (::setrlimit(RLIMIT_NOFILE, &r) != 0) return 90;
        std::atomic<int> failures{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&] {
                LockPtr l = make_lock(d / "t");
                for (int i = 0; i < 400; ++i) {
                    if (fl_acquire(l.get(), 60000) != FL_OK) ++failures;
                    else fl_release(l.get());
                }
            });
        for (auto &t : threads) t.join();
        return failures > 250 ? 250 : failures.load();
    });
    EXPECT_EQ(rc, 0) << "acquires failed (EMFILE) under ulimit -n 64";
}

TEST(Fork, AHolderThatForkedAndCrashedDoesNotBlockTheNextAcquirer)
{
    TempDir d;
    Child holder({g_locker, "forkhold", d / "t"});
    std::string line = holder.read_line();  // "held <pid> <child pid>"
    ASSERT_EQ(line.rfind("held ", 0), 0u) << line;
    const pid_t grandchild = static_cast<pid_t>(std::stol(line.substr(line.rfind(' ') + 1)));
    holder.signal(SIGKILL);
    holder.wait();
    LockPtr l = make_lock(d / "t");
    EXPECT_EQ(fl_acquire(l.get(), 10000), FL_OK)
        << "the holder's forked child kept the crashed holder's lock";
    EXPECT_EQ(::kill(grandchild, 0), 0) << "the forked child should still be alive";
    ::kill(grandchild, SIGKILL);
}

TEST(Fork, AForkedChildDoesNotReleaseItsParentsLock)
{
    TempDir d;
    LockPtr l = make_lock(d / "t");
    ASSERT_EQ(fl_acquire(l.get(), 0), FL_OK);
    EXPECT_EQ(in_child([] { return 0; }), 0);  // forks and exits without exec
    Child probe({g_locker, "hold", d / "t", "timeout=0"});
    EXPECT_EQ(probe.read_line().rfind("fail -1 ", 0), 0u) << "the parent's lock was lost";
}

TEST(Fork, AForkedChildsNewHandleWaitsForItsParentsLock)
{
    TempDir d;
    LockPtr l = make_lock(d / "t");
    ASSERT_EQ(fl_acquire(l.get(), 0), FL_OK);
    int rc = in_child([&] {
        LockPtr mine = make_lock(d / "t");
        int once = fl_acquire(mine.get(), 0);
        int waited = fl_acquire(mine.get(), 50);
        return once == FL_EBUSY && waited == FL_ETIMEDOUT ? 0 : 1;
    });
    EXPECT_EQ(rc, 0) << "the child's own handle got FL_EDEADLK for its parent's lock";
}

TEST(DeadlockCheck, OnByDefaultOffOnRequest)
{
    TempDir d;
    LockPtr first = make_lock(d / "t");
    ASSERT_EQ(fl_acquire(first.get(), 0), FL_OK);
    LockPtr second = make_lock(d / "t");
    const int fds = open_fds();
    EXPECT_EQ(fl_acquire(second.get(), FL_WAIT_FOREVER), FL_EDEADLK);
    EXPECT_EQ(open_fds(), fds) << "a refused acquire left descriptors open";

    OptionsPtr o = make_options();
    ASSERT_EQ(fl_options_set_deadlock_check(o.get(), 0), FL_OK);
    EXPECT_EQ(fl_options_set_deadlock_check(nullptr, 0), FL_EINVAL);
    LockPtr task = make_lock(d / "t", o.get());
    EXPECT_EQ(fl_acquire(task.get(), 0), FL_EBUSY);
    EXPECT_EQ(fl_acquire(task.get(), 30), FL_ETIMEDOUT);
    fl_release(first.get());
    EXPECT_EQ(fl_acquire(task.get(), 0), FL_OK);
}

TEST(DeadlockCheck, AHeldHandleMovedToAnotherThreadStaysTheAcquirersUntilReleased)
{
    TempDir d;
    LockPtr moved = make_lock(d / "t");
    std::thread([&] { ASSERT_EQ(fl_acquire(moved.get(), 0), FL_OK); }).join();
    // Held, now in this thread's hands; still counted as the other thread's.
    LockPtr mine = make_lock(d / "t");
    EXPECT_EQ(fl_acquire(mine.get(), 0), FL_EBUSY);
    EXPECT_EQ(fl_release(moved.get()), FL_OK);  // release works from any thread
    EXPECT_EQ(fl_acquire(mine.get(), 0), FL_OK);
}
