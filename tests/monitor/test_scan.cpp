// The scanner (file/scan.hpp): what it finds, what it skips, what it opens,
// and how it reports the problems it meets.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <sched.h>

#include "child_run.hpp"
#include "error.hpp"
#include "filelock.h"
#include "lock_tree.hpp"
#include "file/scan.hpp"

using namespace filelock;
using namespace filelock::test;

namespace {

ScanResult scan(const std::string &dir, const ScanOptions &o = {})
{
    ScanResult r;
    EXPECT_EQ(scan_locks(dir, o, &r), FL_OK) << last_error();
    return r;
}

std::set<std::string> relative(const std::vector<std::string> &paths, const std::string &root)
{
    std::set<std::string> out;
    for (const std::string &p : paths)
        out.insert(p.compare(0, root.size() + 1, root + "/") == 0 ? p.substr(root.size() + 1) : p);
    return out;
}

std::vector<std::string> lock_paths(const ScanResult &r)
{
    std::vector<std::string> v;
    for (const LockInfo &i : r.locks) v.push_back(i.lock_path);
    return v;
}

const LockInfo *find(const ScanResult &r, const std::string &path)
{
    for (const LockInfo &i : r.locks)
        if (i.lock_path == path) return &i;
    return nullptr;
}

} // namespace

TEST(Scan, FindsEveryLockFileOfThePreparedTreeSorted)
{
    LockTree t;
    t.build();
    ASSERT_TRUE(t.held->holding());
    ScanResult r = scan(t.root);
    EXPECT_TRUE(r.errors.empty()) << r.errors.front().message;
    EXPECT_EQ(relative(lock_paths(r), t.root), t.expected_locks);
    EXPECT_TRUE(std::is_sorted(r.locks.begin(), r.locks.end(),
                               [](const LockInfo &a, const LockInfo &b) { return a.lock_path < b.lock_path; }));
    // Neither the symlinked directory nor the symlink's target was followed.
    for (const LockInfo &i : r.locks) EXPECT_EQ(i.lock_path.find("victim"), std::string::npos);
}

TEST(Scan, JudgesEachLockFile)
{
    LockTree t;
    t.build();
    ASSERT_TRUE(t.held->holding());
    ScanResult r = scan(t.root);
    for (const auto &[rel, holder] : t.holder) {
        const LockInfo *i = find(r, t.at(rel));
        ASSERT_NE(i, nullptr) << rel;
        EXPECT_EQ(i->verdict.holder, holder) << rel << ": " << i->reason;
        EXPECT_EQ(i->stale, t.expected_stale.count(rel) == 1) << rel << ": " << i->reason;
        EXPECT_EQ(i->record.valid, t.invalid_record.count(rel) == 0) << rel;
        EXPECT_EQ(i->held, rel == "held.lock" ? 1 : 0) << rel;
        EXPECT_FALSE(i->reason.empty()) << rel;
    }
    EXPECT_EQ(find(r, t.at("oversized.lock"))->stat.size_bytes,
              static_cast<int64_t>(read_file(t.at("oversized.lock")).size()));
}

TEST(Scan, NonRegularEntriesAreListedWithTheirKind)
{
    LockTree t;
    t.build();
    ScanResult r = scan(t.root);
    const std::map<std::string, std::string> kinds = {
        {"link.lock", "symlink"}, {"fifo.lock", "FIFO"}, {"dir.lock", "directory"}};
    for (const auto &[rel, kind] : kinds) {
        const LockInfo *i = find(r, t.at(rel));
        ASSERT_NE(i, nullptr) << rel;
        EXPECT_FALSE(i->record.valid) << rel;
        EXPECT_FALSE(i->stale) << rel;
        EXPECT_EQ(i->held, -1) << rel;
        EXPECT_EQ(i->verdict.holder, Holder::Unknown) << rel;
        EXPECT_EQ(i->stat.kind, kind) << rel;
        EXPECT_NE(i->reason.find(kind), std::string::npos) << i->reason;
    }
    // The directory named like a lock file was walked too.
    EXPECT_NE(find(r, t.at("dir.lock/inner.lock")), nullptr);
}

TEST(Scan, OpensOnlyRegularLockFilesAndListsEachDirectoryOnce)
{
    LockTree t;
    t.build();
    int ifd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    ASSERT_GE(ifd, 0);
    int root_wd = watch_opens(ifd, t.root);
    int out_wd = watch_opens(ifd, t.outside);
    ASSERT_GE(root_wd, 0);
    ASSERT_GE(out_wd, 0);
    scan(t.root);
    std::multiset<std::string> in_root = opened(ifd, root_wd);
    ::close(ifd);

    EXPECT_EQ(in_root.count(""), 1u) << "the start directory is listed once";
    EXPECT_EQ(in_root.count("stale.lock"), 1u) << "lock files are read once";
    for (const char *never : {"fifo.lock", "link.lock", "notalock.txt"})
        EXPECT_EQ(in_root.count(never), 0u) << never << " must not be opened";
    EXPECT_EQ(opened(ifd, out_wd).size(), 0u);
}

TEST(Scan, OutsideFilesSeenThroughSymlinksAreUntouched)
{
    LockTree t;
    t.build();
    const std::string before = read_file(t.outside + "/victim.lock");
    ScanResult r = scan(t.root);
    EXPECT_EQ(find(r, t.at("linkdir/victim.lock")), nullptr);
    EXPECT_EQ(read_file(t.outside + "/victim.lock"), before);
}

TEST(Scan, MaxDepthAndRecursiveLimitTheLevels)
{
    TempDir d;
    std::filesystem::create_directories(d / "a/b/c");
    for (const char *p : {"l0.lock", "a/l1.lock", "a/b/l2.lock", "a/b/c/l3.lock"})
        write_file(d / p, record(::getpid(), platform::realtime_ms()));
    auto count = [&](bool recursive, int depth) {
        ScanOptions o;
        o.recursive = recursive;
        o.max_depth = depth;
        return scan(d.path(), o).locks.size();
    };
    EXPECT_EQ(count(true, -1), 4u);
    EXPECT_EQ(count(true, 0), 1u);
    EXPECT_EQ(count(true, 1), 2u);
    EXPECT_EQ(count(true, 2), 3u);
    EXPECT_EQ(count(true, 3), 4u);
    EXPECT_EQ(count(false, -1), 1u) << "not recursive = the start directory only";
}

TEST(Scan, StartDirectoryProblemsAreTheReturnCode)
{
    TempDir d;
    ScanResult r;
    EXPECT_EQ(scan_locks(d / "missing", {}, &r), FL_ENOENT);
    EXPECT_NE(last_error().find("missing"), std::string::npos) << last_error();
    write_file(d / "file", "x");
    EXPECT_EQ(scan_locks(d / "file", {}, &r), FL_EINVAL);
    EXPECT_EQ(scan_locks("", {}, &r), FL_EINVAL);
}

TEST(Scan, StartSymlinkIsFollowedAndPathsKeepTheCallersPrefix)
{
    TempDir d;
    ::mkdir((d / "real").c_str(), 0755);
    write_file(d / "real/x.lock", "1\n");
    ASSERT_EQ(::symlink("real", (d / "via").c_str()), 0);
    ScanResult r = scan(d / "via/");
    ASSERT_EQ(r.locks.size(), 1u);
    EXPECT_EQ(r.locks[0].lock_path, d / "via/x.lock");
}

TEST(Scan, VanishedFileIsNotAnErrorAndTheScanGoesOn)
{
    // Holders and cleaners remove lock files all the time: a file released
    // between listing and reading is churn, not a problem to report.
    TempDir d;
    write_file(d / "a.lock", "1\n");
    write_file(d / "b.lock", "1\n");
    Walk found;
    ScanResult r;
    ASSERT_EQ(walk_lock_entries(d.path(), {}, &found, &r.errors), FL_OK);
    ASSERT_EQ(found.entries.size(), 2u);
    ::unlink((d / "a.lock").c_str());  // between readdir and open
    judge_entries(found, {}, &r);
    EXPECT_TRUE(r.errors.empty()) << r.errors[0].message;
    ASSERT_EQ(r.locks.size(), 1u);
    EXPECT_EQ(r.locks[0].lock_path, d / "b.lock");
}

TEST(Scan, LockFileReplacedByAFifoAfterListingIsListedAsOne)
{
    TempDir d;
    write_file(d / "a.lock", "1\n");
    Walk found;
    ScanResult r;
    ASSERT_EQ(walk_lock_entries(d.path(), {}, &found, &r.errors), FL_OK);
    ::unlink((d / "a.lock").c_str());
    ASSERT_EQ(::mkfifo((d / "a.lock").c_str(), 0644), 0);
    judge_entries(found, {}, &r);
    ASSERT_EQ(r.locks.size(), 1u);
    EXPECT_EQ(r.locks[0].stat.kind, "FIFO");
    EXPECT_FALSE(r.locks[0].record.valid);
    EXPECT_TRUE(r.errors.empty());
}

TEST(Scan, UnreadableDirectoryIsAnErrorAndTheScanGoesOn)
{
    TempDir d;
    ::chmod(d.path().c_str(), 0755);
    for (const char *sub : {"a", "locked", "z"}) ::mkdir((d / sub).c_str(), 0755);
    for (const char *p : {"a/one.lock", "locked/hidden.lock", "z/two.lock"}) write_file(d / p, "1\n");
    ::chmod((d / "locked").c_str(), 0);
    // Permission bits do not stop root: scan as an unprivileged user then.
    ChildOutput out = run_in_child([&](int fd) {
        if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) return kChildCannot;
        if (::access(d.path().c_str(), R_OK | X_OK) != 0) return kChildCannot;  // TMPDIR private
        ScanResult r;
        if (scan_locks(d.path(), {}, &r) != FL_OK) return 1;
        put(fd, serialise(r));
        return 0;
    });
    ::chmod((d / "locked").c_str(), 0755);  // so that TempDir can remove it
    if (out.exit_code == kChildCannot) GTEST_SKIP() << "running as root and cannot scan as uid 65534 here (root reads any directory)";
    ASSERT_EQ(out.exit_code, 0);
    Lines l = parse_lines(out.text);
    EXPECT_EQ(relative(l.locks, d.path()), (std::set<std::string>{"a/one.lock", "z/two.lock"}));
    ASSERT_EQ(l.errors.size(), 1u);
    EXPECT_EQ(l.errors[0].first, FL_EPERM);
    EXPECT_EQ(l.errors[0].second, d / "locked");
}

namespace {

// A mount namespace of this (child) process's own: as root directly, else
// inside a new user namespace where this user is root.
bool private_mount_namespace()
{
    if (::unshare(CLONE_NEWNS) == 0) return true;
    const std::string uid = std::to_string(::geteuid()), gid = std::to_string(::getegid());
    if (::unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) return false;
    write_file("/proc/self/setgroups", "deny");
    write_file("/proc/self/uid_map", "0 " + uid + " 1");
    write_file("/proc/self/gid_map", "0 " + gid + " 1");
    return true;
}

// In a private mount namespace: a tmpfs at <root>/mnt holding one lock file,
// beside <root>/top.lock; then scan <root>.  Optionally `extra` sets up more.
ChildOutput scan_with_mount(const std::string &root, const ScanOptions &o,
                            const std::function<bool()> &extra = nullptr)
{
    return run_in_child([&](int fd) {
        if (!private_mount_namespace()) return kChildCannot;
        if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return kChildCannot;
        const std::string mnt = root + "/mnt";
        if (::mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=1m") != 0) return kChildCannot;
        write_file(mnt + "/inside.lock", "1\n");
        if (extra && !extra()) return kChildCannot;
        ScanResult r;
        if (scan_locks(root, o, &r) != FL_OK) return 1;
        put(fd, serialise(r));
        return 0;
    });
}

} // namespace

TEST(Scan, StaysOnItsFileSystemUnlessAsked)
{
    TempDir d;
    ::mkdir((d / "mnt").c_str(), 0755);
    write_file(d / "top.lock", "1\n");
    ScanOptions same, cross;
    cross.cross_filesystems = true;
    ChildOutput a = scan_with_mount(d.path(), same);
    if (a.exit_code == kChildCannot) GTEST_SKIP() << "cannot mount a tmpfs in a private namespace here";
    ChildOutput b = scan_with_mount(d.path(), cross);
    ASSERT_EQ(a.exit_code, 0);
    ASSERT_EQ(b.exit_code, 0);
    Lines la = parse_lines(a.text), lb = parse_lines(b.text);
    EXPECT_EQ(relative(la.locks, d.path()), (std::set<std::string>{"top.lock"}));
    EXPECT_EQ(relative(lb.locks, d.path()), (std::set<std::string>{"mnt/inside.lock", "top.lock"}));
    EXPECT_TRUE(la.errors.empty());
    EXPECT_TRUE(lb.errors.empty());
}

TEST(Scan, BindMountLoopIsWalkedOnce)
{
    TempDir d;
    ::mkdir((d / "mnt").c_str(), 0755);
    ::mkdir((d / "loop").c_str(), 0755);
    write_file(d / "top.lock", "1\n");
    const std::string root = d.path(), loop = d / "loop";
    ChildOutput out = scan_with_mount(root, {}, [&] {
        return ::mount(root.c_str(), loop.c_str(), nullptr, MS_BIND, nullptr) == 0;
    });
    if (out.exit_code == kChildCannot) GTEST_SKIP() << "cannot bind-mount in a private namespace here";
    ASSERT_EQ(out.exit_code, 0);
    Lines l = parse_lines(out.text);
    EXPECT_EQ(relative(l.locks, root), (std::set<std::string>{"top.lock"}));
    ASSERT_EQ(l.errors.size(), 1u);
    EXPECT_EQ(l.errors[0].second, loop);
}

TEST(Scan, ReadsTheHeldLockTableOncePerScan)
{
    TempDir d;
    for (const char *sub : {"a", "b", "c"}) {
        ::mkdir((d / sub).c_str(), 0755);
        for (int i = 0; i < 5; ++i)
            write_file(d / (std::string(sub) + "/l" + std::to_string(i) + ".lock"), "1\n");
    }
    // Others on this machine read /proc/locks too: count the opens of a
    // private copy mounted over it, which only this child sees.
    const std::string copy = d / "locks-copy";
    write_file(copy, read_file("/proc/locks"));
    ChildOutput out = run_in_child([&](int fd) {
        if (!private_mount_namespace()) return kChildCannot;
        if (::mount(copy.c_str(), "/proc/locks", nullptr, MS_BIND, nullptr) != 0) return kChildCannot;
        int ifd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        int wd = watch_opens(ifd, "/proc/locks");
        if (wd < 0) return kChildCannot;
        ScanResult r;
        if (scan_locks(d.path(), {}, &r) != FL_OK || r.locks.size() != 15) return 1;
        put(fd, std::to_string(opened(ifd, wd).count("")) + "\n");
        return 0;
    });
    if (out.exit_code == kChildCannot) GTEST_SKIP() << "cannot mount over /proc/locks here";
    ASSERT_EQ(out.exit_code, 0);
    EXPECT_EQ(out.text, "1\n");
}
