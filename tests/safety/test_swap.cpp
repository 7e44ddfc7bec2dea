// Safety item 3: a user who owns a directory inside a cleaned tree swaps a
// directory and a symlink to elsewhere (renameat2 RENAME_EXCHANGE) as fast as
// it can, while cleanup and release run.  Nothing outside the tree - in
// particular a live holder's lock file - may ever be removed.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/wait.h>

#include <memory>

#include "child.hpp"
#include "safety.hpp"

using namespace filelock::test;

namespace {

std::string dead_record()
{
    return std::to_string(dead_pid()) + "\nv=1\nhost=" + host_name() +
           "\nacquired=" + std::to_string((::time(nullptr) - 7200) * 1000LL) + "\n";
}

// Create `name` in the directory behind `dirfd` (whatever its name is now).
void plant(int dirfd, const char *name, const std::string &text)
{
    int fd = ::openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) return;
    if (::write(fd, text.data(), text.size()) < 0) {
    }
    ::close(fd);
}

// tree/u/d is a real directory; tree/u/s a symlink to victim/.  The swapper
// exchanges d and s all the time.
struct Arena {
    TempDir t;
    std::string tree = t / "tree", u = t / "tree/u", d = t / "tree/u/d", victim = t / "victim";
    int dfd = -1;
    std::unique_ptr<Child> holder, swapper;
    Snapshot held_before, stale_before;

    Arena(const char *held_name)
    {
        ::mkdir(tree.c_str(), 0755);
        ::mkdir(u.c_str(), 0755);
        ::mkdir(d.c_str(), 0755);
        ::mkdir(victim.c_str(), 0755);
        ::symlink(victim.c_str(), (u + "/s").c_str());
        dfd = ::open(d.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        // Outside the tree: a live holder's lock file and a stale one.
        holder = std::make_unique<Child>(
            std::vector<std::string>{g_locker, "hold", victim + "/" + held_name});
        EXPECT_EQ(holder->read_line().rfind("held ", 0), 0u);
        write_file(victim + "/stale.lock", dead_record());
        held_before = snapshot(victim + "/" + held_name + ".lock");
        stale_before = snapshot(victim + "/stale.lock");
        swapper = std::make_unique<Child>(std::vector<std::string>{g_swapper, u, "d", "s"});
        EXPECT_EQ(swapper->read_line(), "ready");
    }
    ~Arena()
    {
        if (dfd >= 0) ::close(dfd);
    }
    long stop_swapper()
    {
        swapper->close_stdin();
        std::string line = swapper->read_line();
        swapper->wait();
        return line.rfind("swaps ", 0) == 0 ? std::stol(line.substr(6)) : -1;
    }
};

} // namespace

TEST(DirectorySwap, CleanupNeverRemovesAFileOutsideTheTree)
{
    Arena a("held");
    fl_scan_options *so = nullptr;
    ASSERT_EQ(fl_scan_options_new(&so), FL_OK);
    fl_scan_options_set_stale_threshold_ms(so, 0);
    const std::string rec = dead_record();
    size_t removed = 0;
    for (int i = 0; i < 3000; ++i) {
        // Stale files with the victims' names inside the tree, re-planted
        // through a descriptor of the real directory wherever it is now.
        plant(a.dfd, "held.lock", rec);
        plant(a.dfd, "stale.lock", rec);
        fl_clean_report *rep = nullptr;
        if (fl_cleanup_stale_locks(a.tree.c_str(), so, &rep) == FL_OK) removed += rep->count;
        fl_clean_report_free(rep);
    }
    fl_scan_options_free(so);
    EXPECT_GT(a.stop_swapper(), 0);
    EXPECT_GT(removed, 0u) << "the cleaner never got to the stale files in the tree";
    EXPECT_TRUE(snapshot(a.victim + "/held.lock") == a.held_before)
        << "a live holder's lock file outside the tree was removed";
    EXPECT_TRUE(snapshot(a.victim + "/stale.lock") == a.stale_before)
        << "a lock file outside the tree was removed";
    EXPECT_EQ(fl_is_locked((a.victim + "/held").c_str(), nullptr), 1);
}

TEST(DirectorySwap, ReleaseNeverRemovesAFileOutsideTheDirectoryItLockedIn)
{
    Arena a("t");
    // The worker locks tree/u/d/t; through the swapped name that is
    // sometimes victim/t, which the holder has: then it is simply busy.
    LockPtr l = make_lock(a.d + "/t");
    int won = 0;
    for (int i = 0; i < 20000; ++i) {
        if (fl_acquire(l.get(), 0) != FL_OK) continue;
        ++won;
        fl_release(l.get());
    }
    EXPECT_GT(a.stop_swapper(), 0);
    EXPECT_GT(won, 0);
    EXPECT_TRUE(snapshot(a.victim + "/t.lock") == a.held_before)
        << "release removed the live holder's lock file through the swapped directory";
    // And so nobody else could be admitted beside the holder.
    LockPtr second = make_lock(a.victim + "/t");
    EXPECT_EQ(fl_acquire(second.get(), 0), FL_EBUSY);
}
