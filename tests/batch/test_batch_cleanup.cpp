// Stale lock cleanup at the start of a batch: a lock file left by a process
// that died is removed when cleanup_stale_locks is on (in the working
// directory, or in the lock directory when one is configured), left alone
// when it is off, and a lock held by a live holder is never touched.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include "batch_fixtures.hpp"

using namespace filelock;
using namespace filelock::test;

namespace {

// A child takes the lock and exits without releasing it: the kernel drops
// its OS lock, the lock file stays behind naming a dead process.
std::string leave_stale_lock(const std::string &target, const Options &o)
{
    std::unique_ptr<Lock> l;
    EXPECT_EQ(Lock::create(target, o, &l), FL_OK);
    const std::string path = l->lock_path();
    pid_t pid = fork();
    if (pid == 0) {
        std::unique_ptr<Lock> mine;
        bool ok = Lock::create(target, o, &mine) == FL_OK && mine->acquire(0) == FL_OK;
        _exit(ok ? 0 : 1);  // no destructor: nothing is released or removed
    }
    int st = 0;
    EXPECT_EQ(waitpid(pid, &st, 0), pid);
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    EXPECT_TRUE(exists(path));
    return path;
}

Config cleaning()
{
    Config c;
    c.timeout_ms = 50;
    c.retry_attempts = 0;
    c.cleanup_stale_locks = true;
    c.stale_threshold_ms = 0;
    return c;
}

void run_batch(const Config &c, const std::string &file)
{
    Batch b(c);
    BatchResults res;
    b.run({file}, [](const std::string &) { return 0; }, &res);
    ASSERT_EQ(res.done, 1u);
}

// Runs the rest of a test with the working directory set to `dir`.
class InDir {
public:
    explicit InDir(const std::string &dir) : old_(getcwd(nullptr, 0))
    {
        EXPECT_EQ(chdir(dir.c_str()), 0);
    }
    ~InDir()
    {
        if (old_ && chdir(old_) != 0) ADD_FAILURE() << "cannot return to " << old_;
        free(old_);
    }

private:
    char *old_;
};

} // namespace

TEST(BatchCleanup, RemovesStaleLocksInTheWorkingDirectoryAtStart)
{
    TempDir d;
    write_file(d / "work", "x");
    std::string stale = leave_stale_lock(d / "dead", Options());
    std::unique_ptr<Lock> live;
    ASSERT_EQ(Lock::create(d / "live", Options(), &live), FL_OK);
    ASSERT_EQ(live->acquire(0), FL_OK);
    {
        InDir in(d.path());
        run_batch(cleaning(), d / "work");
    }
    EXPECT_FALSE(exists(stale));
    EXPECT_TRUE(exists(live->lock_path())) << "a held lock is never cleaned";
}

TEST(BatchCleanup, LeavesThemWhenCleanupIsOff)
{
    TempDir d;
    write_file(d / "work", "x");
    std::string stale = leave_stale_lock(d / "dead", Options());
    Config c = cleaning();
    c.cleanup_stale_locks = false;
    InDir in(d.path());
    run_batch(c, d / "work");
    EXPECT_TRUE(exists(stale));
}

TEST(BatchCleanup, CleansTheLockDirectoryWhenOneIsConfigured)
{
    TempDir d;
    ASSERT_EQ(mkdir((d / "locks").c_str(), 0755), 0);
    write_file(d / "work", "x");
    Config c = cleaning();
    c.lock_directory = d / "locks";
    std::string stale = leave_stale_lock(d / "dead", c.to_options());
    EXPECT_EQ(stale.rfind(d / "locks/", 0), 0u) << stale;
    run_batch(c, d / "work");  // working directory untouched: not d
    EXPECT_FALSE(exists(stale));
}

TEST(BatchCleanup, RespectsTheThreshold)
{
    TempDir d;
    write_file(d / "work", "x");
    std::string stale = leave_stale_lock(d / "dead", Options());
    Config c = cleaning();
    c.stale_threshold_ms = 3600000;  // the dead holder's file is seconds old
    InDir in(d.path());
    run_batch(c, d / "work");
    EXPECT_TRUE(exists(stale));
}
