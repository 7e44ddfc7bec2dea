// Lock semantics inside one process: reentrancy, handles on threads,
// deadlock detection, timeouts, removal, shared mode, the split-inode race.
#include <gtest/gtest.h>

#if !defined(_WIN32)
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "filelock.h"
#include "cancel.hpp"
#include "lock.hpp"
#include "platform/platform.hpp"
#include "file/query.hpp"
#include "tempdir.hpp"

using namespace filelock;
using filelock::test::read_file;
using filelock::test::TempDir;

namespace {

std::unique_ptr<Lock> make(const std::string &target, Options o = {})
{
    std::unique_ptr<Lock> l;
    EXPECT_EQ(Lock::create(target, o, &l), FL_OK);
    return l;
}

bool exists(const std::string &p)
{
    std::error_code ec;
    return std::filesystem::exists(std::filesystem::symlink_status(p, ec));
}

// Block until some process waits on the OS lock of `path` (a "->" line in
// /proc/locks for its inode): a state to wait for, not a time.
// Elsewhere there is no such list: a short pause lets the waiter start
// waiting, and what the test asserts holds whether it has or not.
void wait_for_blocked_waiter(const std::string &path)
{
#if !defined(__linux__)
    (void)path;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
#else
    struct stat st;
    ASSERT_EQ(stat(path.c_str(), &st), 0);
    std::string needle = ":" + std::to_string(st.st_ino) + " ";
    for (;;) {
        std::string locks = read_file("/proc/locks");
        size_t pos = 0;
        while ((pos = locks.find("->", pos)) != std::string::npos) {
            size_t eol = locks.find('\n', pos);
            if (locks.substr(pos, eol - pos).find(needle) != std::string::npos) return;
            pos = eol;
        }
        std::this_thread::yield();
    }
#endif
}

} // namespace

TEST(Lock, AcquireWritesRecordAndReleaseRemovesFile)
{
    TempDir d;
    auto l = make(d / "t.txt");
    EXPECT_EQ(l->lock_path(), d / "t.txt.lock");
    ASSERT_EQ(l->acquire(0), FL_OK);
    std::string rec = read_file(d / "t.txt.lock");
    EXPECT_EQ(rec.rfind(std::to_string(platform::current_pid()) + "\nv=1\n", 0), 0u) << rec;
    EXPECT_EQ(is_locked(d / "t.txt.lock"), 1);
    ASSERT_EQ(l->release(), FL_OK);
    EXPECT_FALSE(exists(d / "t.txt.lock"));
    EXPECT_EQ(l->release(), FL_OK) << "release is idempotent";
}

TEST(Lock, KeepModeLeavesTheFileUnlocked)
{
    TempDir d;
    Options o;
    o.file.remove_on_release = false;
    auto l = make(d / "t", o);
    ASSERT_EQ(l->acquire(0), FL_OK);
    ASSERT_EQ(l->release(), FL_OK);
    EXPECT_TRUE(exists(d / "t.lock"));
    EXPECT_EQ(is_locked(d / "t.lock"), 0);
}

TEST(Lock, ReentrantThroughTheSameHandle)
{
    TempDir d;
    auto l = make(d / "t");
    ASSERT_EQ(l->acquire(0), FL_OK);
    ASSERT_EQ(l->acquire(0), FL_OK);
    ASSERT_EQ(l->release(), FL_OK);
    EXPECT_EQ(l->held(), 1) << "one release per acquire";
    EXPECT_TRUE(exists(d / "t.lock"));
    ASSERT_EQ(l->release(), FL_OK);
    EXPECT_EQ(l->held(), 0);
    EXPECT_FALSE(exists(d / "t.lock"));
}

TEST(Lock, SecondHandleSameThreadIsDeadlockNotHang)
{
    TempDir d;
    auto a = make(d / "t");
    auto b = make(d / "t");
    ASSERT_EQ(a->acquire(0), FL_OK);
    EXPECT_EQ(b->acquire(FL_WAIT_FOREVER), FL_EDEADLK);
    EXPECT_EQ(b->acquire(5000), FL_EDEADLK);
    EXPECT_EQ(b->acquire(0), FL_EDEADLK);
    a->release();
    EXPECT_EQ(b->acquire(0), FL_OK);
}

TEST(Lock, ContenderNeverModifiesTheHoldersFile)
{
    TempDir d;
    auto a = make(d / "t");
    ASSERT_EQ(a->acquire(0), FL_OK);
    std::string before = read_file(d / "t.lock");
    platform::FileStat st1, st2;
    ASSERT_EQ(platform::stat_path(d / "t.lock", &st1), FL_OK);
    std::thread other([&] {
        auto b = make(d / "t");
        EXPECT_EQ(b->acquire(0), FL_EBUSY);
        EXPECT_EQ(b->acquire(30), FL_ETIMEDOUT);
    });
    other.join();
    ASSERT_EQ(platform::stat_path(d / "t.lock", &st2), FL_OK);
    EXPECT_EQ(read_file(d / "t.lock"), before);
    EXPECT_EQ(st1.id, st2.id);
    EXPECT_EQ(st1.size_bytes, st2.size_bytes);
}

// Three threads, each with its own handle, count who is inside.
static int overlaps_among_threads(const TempDir &d, int64_t timeout_ms)
{
    std::atomic<int> inside{0};
    std::atomic<int> overlaps{0};
    auto worker = [&] {
        auto l = make(d / "t");
        for (int i = 0; i < 300; ++i) {
            ASSERT_EQ(l->acquire(timeout_ms), FL_OK);
            if (inside.fetch_add(1) != 0) overlaps++;
            std::this_thread::yield();
            inside.fetch_sub(1);
            ASSERT_EQ(l->release(), FL_OK);
        }
    };
    std::thread t1(worker), t2(worker), t3(worker);
    t1.join();
    t2.join();
    t3.join();
    return overlaps.load();
}

TEST(Lock, ThreadsWithSeparateHandlesExcludeEachOther)
{
    TempDir d;
    EXPECT_EQ(overlaps_among_threads(d, FL_WAIT_FOREVER), 0);
}

TEST(Lock, ThreadsWithFiniteTimeoutsExcludeEachOther)
{
    TempDir d;
    EXPECT_EQ(overlaps_among_threads(d, 60000), 0);
}

TEST(Lock, TimeoutIsHonouredOnTheMonotonicClock)
{
    TempDir d;
    auto a = make(d / "t");
    ASSERT_EQ(a->acquire(0), FL_OK);
    std::thread other([&] {
        auto b = make(d / "t");
        int64_t t0 = platform::monotonic_us();
        EXPECT_EQ(b->acquire(200), FL_ETIMEDOUT);
        EXPECT_GE(platform::monotonic_us() - t0, 200 * 1000) << "never gives up early";
        EXPECT_EQ(b->held(), 0);
    });
    other.join();
}

TEST(Lock, DefaultTimeoutComesFromOptions)
{
    TempDir d;
    Options o;
    o.timeout_ms = 0;
    auto a = make(d / "t");
    ASSERT_EQ(a->acquire(0), FL_OK);
    std::thread other([&] {
        auto b = make(d / "t", o);
        EXPECT_EQ(b->acquire(FL_WAIT_DEFAULT), FL_EBUSY) << "timeout 0 = one attempt";
    });
    other.join();
}

TEST(Lock, WaiterForeverGetsTheLockWhenReleased)
{
    TempDir d;
    auto a = make(d / "t");
    ASSERT_EQ(a->acquire(0), FL_OK);
    std::atomic<bool> got{false};
    std::thread other([&] {
        auto b = make(d / "t");
        EXPECT_EQ(b->acquire(FL_WAIT_FOREVER), FL_OK);
        got = true;
        b->release();
    });
    wait_for_blocked_waiter(d / "t.lock");
    EXPECT_FALSE(got.load());
    a->release();
    other.join();
    EXPECT_TRUE(got.load());
}

TEST(Lock, CancelEndsAWaitEarly)
{
    TempDir d;
    auto a = make(d / "t");
    ASSERT_EQ(a->acquire(0), FL_OK);
    Cancel cancel;
    cancel.fire();
    auto b = std::thread([&] {
        auto l = make(d / "t");
        EXPECT_EQ(l->acquire(FL_WAIT_FOREVER, &cancel), FL_ECANCELED);
    });
    b.join();
}

TEST(Lock, SharedHoldersCoexistAndExcludeWriters)
{
    TempDir d;
    Options sh;
    sh.shared = true;
    auto r1 = make(d / "t", sh);
    ASSERT_EQ(r1->acquire(0), FL_OK);
    std::thread other([&] {
        auto r2 = make(d / "t", sh);
        EXPECT_EQ(r2->acquire(0), FL_OK) << "two readers at once";
        auto w = make(d / "t");
        EXPECT_EQ(w->acquire(0), FL_EDEADLK) << "this thread reads: writing would wait on itself";
        std::thread writer([&] {
            auto w2 = make(d / "t");
            EXPECT_EQ(w2->acquire(0), FL_EBUSY) << "no writer while readers hold";
        });
        writer.join();
        r2->release();
        EXPECT_TRUE(exists(d / "t.lock")) << "the other reader still holds: not removed";
    });
    other.join();
    r1->release();
    EXPECT_FALSE(exists(d / "t.lock")) << "the last reader removes the file";
}

#if !defined(_WIN32)  // flock and unlink by hand (Windows: tests/windows, delete pending)
TEST(Lock, SplitInodeScheduleNeverGivesTwoHolders)
{
    // PROTOCOL A3: B waits on inode X; X's holder removes it and a new inode
    // Y appears at the path.  B is granted X, which nobody can find any more:
    // it must notice, and lock Y instead of believing it holds the lock.
    TempDir d;
    std::string path = d / "t.lock";
    int x = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    ASSERT_GE(x, 0);
    ASSERT_EQ(flock(x, LOCK_EX), 0);
    std::atomic<int> rc{1};
    std::thread b([&] {
        auto l = make(d / "t");
        rc = l->acquire(FL_WAIT_FOREVER);
        // Hold until the main thread has looked.
        while (rc.load() != 99) std::this_thread::yield();
        l->release();
    });
    wait_for_blocked_waiter(path);
    ASSERT_EQ(unlink(path.c_str()), 0);
    int y = open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    ASSERT_GE(y, 0);
    ASSERT_EQ(flock(x, LOCK_UN), 0);  // B is granted the dead inode X now
    while (rc.load() == 1) std::this_thread::yield();
    ASSERT_EQ(rc.load(), FL_OK);
    // B must hold Y, the file at the path: Y carries its record and Y's OS
    // lock is taken.
    EXPECT_EQ(read_file(path).rfind(std::to_string(platform::current_pid()) + "\n", 0), 0u);
    EXPECT_EQ(flock(y, LOCK_EX | LOCK_NB), -1) << "Y must be locked by B";
    rc = 99;
    b.join();
    close(x);
    close(y);
}

#endif

TEST(Lock, LockDirectoryModeNamesByHashAndRecordsTarget)
{
    TempDir d;
    TempDir locks;
    Options o;
    o.file.lock_dir = locks.path();
    auto l = make(d / "report.pptx", o);
    const std::string prefix = platform::join_path(locks.path(), "report.pptx.");
    EXPECT_EQ(l->lock_path().rfind(prefix, 0), 0u) << l->lock_path();
    EXPECT_EQ(l->lock_path().size(), prefix.size() + 16 + 5);
    ASSERT_EQ(l->acquire(0), FL_OK);
    std::string real;
    ASSERT_EQ(platform::real_dir(d.path(), &real), FL_OK);
    EXPECT_NE(read_file(l->lock_path()).find("target=" + platform::join_path(real, "report.pptx") + "\n"),
              std::string::npos) << read_file(l->lock_path());
    EXPECT_FALSE(exists(d / "report.pptx.lock"));
}
