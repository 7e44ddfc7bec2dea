// Stale cleanup (cleanup.hpp, PROTOCOL H): what is removed, what never is,
// and that racing cleaners agree.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <thread>
#include <vector>

#include "file/cleanup.hpp"
#include "error.hpp"
#include "filelock.h"
#include "lock.hpp"
#include "lock_tree.hpp"

using namespace filelock;
using namespace filelock::test;

namespace {

bool exists(const std::string &path)
{
    struct stat st;
    return ::lstat(path.c_str(), &st) == 0;
}

std::set<std::string> removed_names(const CleanReport &r, const std::string &root)
{
    std::set<std::string> out;
    for (const LockInfo &i : r.removed) out.insert(i.lock_path.substr(root.size() + 1));
    return out;
}

// Every entry of the prepared tree, by path relative to the TempDir.
std::map<std::string, std::string> snapshot(const LockTree &t)
{
    std::map<std::string, std::string> files;
    for (const auto &e : std::filesystem::recursive_directory_iterator(t.tmp.path())) {
        std::string rel = e.path().string().substr(t.tmp.path().size() + 1);
        files[rel] = e.is_regular_file() && !e.is_symlink() ? read_file(e.path().string())
                                                            : std::string("<not a file>");
    }
    return files;
}

} // namespace

TEST(Cleanup, RemovesExactlyTheStaleLockFiles)
{
    LockTree t;
    t.build();
    ASSERT_TRUE(t.held->holding());
    CleanReport r;
    ASSERT_EQ(cleanup_stale_locks(t.root, {}, &r), FL_OK) << last_error();
    EXPECT_TRUE(r.errors.empty()) << r.errors.front().message;
    EXPECT_FALSE(r.dry_run);
    EXPECT_EQ(removed_names(r, t.root), t.expected_stale);
    for (const std::string &rel : t.expected_locks)
        EXPECT_EQ(exists(t.at(rel)), t.expected_stale.count(rel) == 0) << rel;
    // Reached only through symlinks, or not named *.lock: all still there.
    EXPECT_TRUE(exists(t.outside + "/victim.lock"));
    EXPECT_TRUE(exists(t.at("notalock.txt")));
    for (const LockInfo &i : r.removed) {
        EXPECT_TRUE(i.stale);
        EXPECT_EQ(i.held, 0) << "judged while this cleaner held it";
        EXPECT_NE(i.reason.find("stale"), std::string::npos) << i.reason;
    }
}

TEST(Cleanup, DryRunReportsTheSameAndRemovesNothing)
{
    LockTree t;
    t.build();
    const auto before = snapshot(t);
    ScanOptions o;
    o.dry_run = true;
    CleanReport r;
    ASSERT_EQ(cleanup_stale_locks(t.root, o, &r), FL_OK) << last_error();
    EXPECT_TRUE(r.dry_run);
    EXPECT_EQ(removed_names(r, t.root), t.expected_stale);
    EXPECT_EQ(snapshot(t), before);
}

TEST(Cleanup, HeldLockIsNeverRemovedWhateverItsRecordSays)
{
    TempDir d;
    write_file(d / "a.lock", dead_record(hours_ago(5)));
    ChildHolder holder(d / "a.lock");
    ASSERT_TRUE(holder.holding());
    ScanOptions o;
    o.threshold_ms = 0;
    CleanReport r;
    ASSERT_EQ(cleanup_stale_locks(d.path(), o, &r), FL_OK);
    EXPECT_TRUE(r.removed.empty());
    LockInfo info;
    EXPECT_EQ(remove_if_stale(d / "a.lock", 0, false, &info), 0);
    EXPECT_NE(info.reason.find("held"), std::string::npos) << info.reason;
    EXPECT_TRUE(exists(d / "a.lock"));
}

TEST(Cleanup, LockHeldThroughThisProcessIsNotRemoved)
{
    TempDir d;
    std::unique_ptr<Lock> lock;
    Options keep;
    keep.file.remove_on_release = false;
    ASSERT_EQ(Lock::create(d / "t", keep, &lock), FL_OK);
    ASSERT_EQ(lock->acquire(0), FL_OK);
    // Make the record look abandoned: only the OS lock still protects it.
    write_file(d / "t.lock", dead_record(hours_ago(5)));
    LockInfo info;
    EXPECT_EQ(remove_if_stale(d / "t.lock", 0, false, &info), 0);
    EXPECT_TRUE(exists(d / "t.lock"));
    lock->release();
    EXPECT_EQ(remove_if_stale(d / "t.lock", 0, false, &info), 1) << info.reason;
    EXPECT_FALSE(exists(d / "t.lock"));
}

TEST(RemoveIfStale, DecidesOnWhatTheFileSaysUnderTheLock)
{
    TempDir d;
    LockInfo info;
    write_file(d / "old.lock", dead_record(hours_ago(2)));
    EXPECT_EQ(remove_if_stale(d / "old.lock", kHour, true, &info), 1) << "dry run: would remove";
    EXPECT_TRUE(exists(d / "old.lock"));
    EXPECT_EQ(remove_if_stale(d / "old.lock", kHour, false, &info), 1) << info.reason;
    EXPECT_FALSE(exists(d / "old.lock"));

    write_file(d / "young.lock", dead_record(platform::realtime_ms()));
    EXPECT_EQ(remove_if_stale(d / "young.lock", kHour, false, &info), 0);
    EXPECT_NE(info.reason.find("old"), std::string::npos) << info.reason;
    EXPECT_TRUE(exists(d / "young.lock"));

    // What a scan saw is not enough: a holder that wrote a live record since
    // (and released, keeping the file) makes it not stale.
    write_file(d / "renewed.lock", dead_record(hours_ago(2)));
    write_file(d / "renewed.lock",
               record(::getpid(), hours_ago(2), "start=" + std::to_string(platform::self_start_token()) + "\n"));
    EXPECT_EQ(remove_if_stale(d / "renewed.lock", 0, false, &info), 0);
    EXPECT_EQ(info.verdict.holder, Holder::Alive);
    EXPECT_TRUE(exists(d / "renewed.lock"));

    for (const char *unknown : {"garbage", ""}) {
        write_file(d / "u.lock", unknown);
        EXPECT_EQ(remove_if_stale(d / "u.lock", 0, false, &info), 0) << unknown;
        EXPECT_TRUE(exists(d / "u.lock"));
    }
    write_file(d / "foreign.lock", std::to_string(dead_process().pid) + "\nhost=elsewhere.invalid\n");
    EXPECT_EQ(remove_if_stale(d / "foreign.lock", 0, false, &info), 0);
    EXPECT_TRUE(exists(d / "foreign.lock"));
}

TEST(RemoveIfStale, MissingFileIsNotAnError)
{
    TempDir d;
    LockInfo info;
    EXPECT_EQ(remove_if_stale(d / "gone.lock", 0, false, &info), 0);
    EXPECT_NE(info.reason.find("gone"), std::string::npos) << info.reason;
}

TEST(RemoveIfStale, AnythingButASmallRegularFileIsRefusedAndKept)
{
    TempDir d;
    const std::string stale = dead_record(hours_ago(2));
    write_file(d / "target", stale);
    ASSERT_EQ(::symlink("target", (d / "link.lock").c_str()), 0);
    ASSERT_EQ(::mkfifo((d / "fifo.lock").c_str(), 0644), 0);
    ASSERT_EQ(::mkdir((d / "dir.lock").c_str(), 0755), 0);
    write_file(d / "big.lock", stale + "tag=" + std::string(5000, 'x') + "\n");
    int ifd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    int wd = watch_opens(ifd, d.path());
    ASSERT_GE(wd, 0);
    LockInfo info;
    for (const char *name : {"link.lock", "fifo.lock", "dir.lock", "big.lock"}) {
        EXPECT_EQ(remove_if_stale(d / name, 0, false, &info), FL_EUNSAFE) << name;
        EXPECT_FALSE(last_error().empty()) << name;
        EXPECT_TRUE(exists(d / name)) << name;
    }
    std::multiset<std::string> names = opened(ifd, wd);
    ::close(ifd);
    EXPECT_EQ(names.count("fifo.lock"), 0u) << "a FIFO is refused without being opened";
    EXPECT_EQ(names.count("target"), 0u) << "a symlink is not followed";
    EXPECT_EQ(read_file(d / "target"), stale);
}

TEST(StaleCandidate, FileReplacedAfterOpenIsLeftAlone)
{
    TempDir d;
    write_file(d / "a.lock", dead_record(hours_ago(2)));
    StaleCandidate c;
    LockInfo info;
    ASSERT_EQ(c.open(d / "a.lock", &info), 1);
    // Another inode takes the path (an acquirer's fresh file, say): the
    // cleaner holds the old inode's lock, which protects nothing any more.
    write_file(d / "new", dead_record(hours_ago(2)));
    ASSERT_EQ(::rename((d / "new").c_str(), (d / "a.lock").c_str()), 0);
    EXPECT_EQ(c.remove_if_stale(0, false, &info), 0);
    EXPECT_NE(info.reason.find("replaced"), std::string::npos) << info.reason;
    EXPECT_TRUE(exists(d / "a.lock"));
}

TEST(StaleCandidate, FileRemovedAfterOpenIsNotAnError)
{
    TempDir d;
    write_file(d / "a.lock", dead_record(hours_ago(2)));
    StaleCandidate c;
    LockInfo info;
    ASSERT_EQ(c.open(d / "a.lock", &info), 1);
    ::unlink((d / "a.lock").c_str());
    EXPECT_EQ(c.remove_if_stale(0, false, &info), 0);
    EXPECT_FALSE(info.stale);
}

TEST(StaleCandidate, RecordRewrittenAfterOpenIsJudgedAgain)
{
    TempDir d;
    write_file(d / "a.lock", dead_record(hours_ago(2)));
    StaleCandidate c;
    LockInfo info;
    ASSERT_EQ(c.open(d / "a.lock", &info), 1);
    // Same inode, new content: a holder came and went, keeping the file.
    write_file(d / "a.lock", record(::getpid(), hours_ago(2)));
    EXPECT_EQ(c.remove_if_stale(0, false, &info), 0);
    EXPECT_EQ(info.verdict.holder, Holder::Alive);
    EXPECT_TRUE(exists(d / "a.lock"));
}

TEST(Cleanup, ConcurrentCleanersRemoveEachFileOnce)
{
    TempDir d;
    constexpr int kFiles = 300;
    const std::string rec = dead_record(hours_ago(2));
    for (int i = 0; i < kFiles; ++i) write_file(d / ("f" + std::to_string(i) + ".lock"), rec);

    constexpr int kCleaners = 4;
    std::atomic<int> go{0};
    std::vector<CleanReport> reports(kCleaners);
    std::vector<int> rcs(kCleaners, -100);
    std::vector<std::thread> threads;
    for (int c = 0; c < kCleaners; ++c) {
        threads.emplace_back([&, c] {
            go.fetch_add(1);
            while (go.load() < kCleaners) {
            }
            rcs[c] = cleanup_stale_locks(d.path(), {}, &reports[c]);
        });
    }
    for (auto &th : threads) th.join();
    size_t total = 0;
    std::set<std::string> all;
    for (int c = 0; c < kCleaners; ++c) {
        EXPECT_EQ(rcs[c], FL_OK);
        EXPECT_TRUE(reports[c].errors.empty()) << reports[c].errors.front().message;
        total += reports[c].removed.size();
        for (const LockInfo &i : reports[c].removed) all.insert(i.lock_path);
    }
    EXPECT_EQ(total, static_cast<size_t>(kFiles)) << "each file counted by exactly one cleaner";
    EXPECT_EQ(all.size(), static_cast<size_t>(kFiles));
    ScanResult left;
    ASSERT_EQ(scan_locks(d.path(), {}, &left), FL_OK);
    EXPECT_TRUE(left.locks.empty());
}

TEST(Cleanup, FilesGoneSinceTheScanAreNotErrors)
{
    TempDir d;
    const std::string rec = dead_record(hours_ago(2));
    for (const char *p : {"a.lock", "b.lock", "c.lock"}) write_file(d / p, rec);
    Walk found;
    ScanResult scan;
    ASSERT_EQ(walk_lock_entries(d.path(), {}, &found, &scan.errors), FL_OK);
    ::unlink((d / "a.lock").c_str());  // gone before it was read
    judge_entries(found, {}, &scan);
    EXPECT_TRUE(scan.errors.empty()) << "vanishing is churn, not an error";
    ASSERT_EQ(scan.locks.size(), 2u);
    ::unlink((d / "b.lock").c_str());  // gone after it was judged stale
    CleanReport r;
    remove_stale(std::move(scan), {}, &r);
    EXPECT_TRUE(r.errors.empty()) << r.errors.front().message;
    ASSERT_EQ(r.removed.size(), 1u);
    EXPECT_EQ(r.removed[0].lock_path, d / "c.lock");
}

TEST(Cleanup, BaseDirectoryProblemIsTheReturnCode)
{
    TempDir d;
    CleanReport r;
    EXPECT_EQ(cleanup_stale_locks(d / "nope", {}, &r), FL_ENOENT);
    write_file(d / "file", "");
    EXPECT_EQ(cleanup_stale_locks(d / "file", {}, &r), FL_EINVAL);
}
