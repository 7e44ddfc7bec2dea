// lock_tree.hpp - the prepared tree the monitor and cleanup tests scan: one
// lock file of every kind the scanner must tell apart, each with what a
// scan should say about it.
#pragma once

#include <fcntl.h>
#include <sys/inotify.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <memory>
#include <set>
#include <string>

#include "liveness.hpp"
#include "platform/platform.hpp"
#include "tempdir.hpp"

namespace filelock::test {

constexpr int64_t kHour = 3600 * 1000;

inline int64_t hours_ago(int h)
{
    return platform::realtime_ms() - h * kHour;
}

// Watch `path` for opens.  Closes are watched too, though not counted:
// inotify merges an event identical to the one queued just before it, so
// two opens in a row would otherwise count as one.
inline int watch_opens(int ifd, const std::string &path)
{
    return ::inotify_add_watch(ifd, path.c_str(), IN_OPEN | IN_CLOSE);
}

// Names opened (IN_OPEN) in a watched directory; "" is the directory itself.
inline std::multiset<std::string> opened(int ifd, int wd)
{
    std::multiset<std::string> names;
    alignas(inotify_event) char buf[65536];
    ssize_t n;
    while ((n = ::read(ifd, buf, sizeof buf)) > 0) {
        for (char *p = buf; p < buf + n;) {
            auto *e = reinterpret_cast<inotify_event *>(p);
            if (e->wd == wd && (e->mask & IN_OPEN)) names.insert(e->len ? e->name : "");
            p += sizeof(inotify_event) + e->len;
        }
    }
    return names;
}

// A process that has exited and been reaped, with the start token it had:
// recording that token keeps the "dead" verdict true even if the PID is
// handed to a new process while the test runs.
struct DeadProcess {
    int64_t pid = 0;
    int64_t start = -1;
};

inline DeadProcess dead_process()
{
    pid_t p = ::fork();
    if (p == 0) ::_exit(0);
    DeadProcess d;
    d.pid = p;
    siginfo_t si;
    // Wait for the exit without reaping, so /proc/<pid>/stat still exists.
    ::waitid(P_PID, static_cast<id_t>(p), &si, WEXITED | WNOWAIT);
    d.start = platform::process_state(p).start_token;
    ::waitpid(p, nullptr, 0);
    return d;
}

// A full version-1 record from this host.
inline std::string record(int64_t pid, int64_t acquired_ms, const std::string &extra = "")
{
    return std::to_string(pid) + "\nv=1\nhost=" + platform::host_name() + "\nboot=" +
           platform::boot_id() + "\nacquired=" + std::to_string(acquired_ms) + "\n" + extra;
}

inline std::string dead_record(int64_t acquired_ms, const std::string &extra = "")
{
    DeadProcess d = dead_process();
    return record(d.pid, acquired_ms, "start=" + std::to_string(d.start) + "\n" + extra);
}

// Holds flock(LOCK_EX) on a file from a real child process until destroyed.
// Synchronised by pipes: the constructor returns once the child holds.
class ChildHolder {
public:
    explicit ChildHolder(const std::string &path)
    {
        int ready[2], release[2];
        if (::pipe(ready) != 0 || ::pipe(release) != 0) return;
        pid_ = ::fork();
        if (pid_ == 0) {
            ::close(ready[0]);
            ::close(release[1]);
            int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
            char ok = (fd >= 0 && ::flock(fd, LOCK_EX) == 0) ? 'h' : 'f';
            if (::write(ready[1], &ok, 1) != 1) ::_exit(3);
            char c;
            while (::read(release[0], &c, 1) > 0) {
            }
            ::_exit(0);
        }
        ::close(ready[1]);
        ::close(release[0]);
        release_ = release[1];
        char c = 0;
        holding_ = ::read(ready[0], &c, 1) == 1 && c == 'h';
        ::close(ready[0]);
    }
    ~ChildHolder()
    {
        if (release_ >= 0) ::close(release_);
        if (pid_ > 0) ::waitpid(pid_, nullptr, 0);
    }
    ChildHolder(const ChildHolder &) = delete;
    ChildHolder &operator=(const ChildHolder &) = delete;

    bool holding() const { return holding_; }
    pid_t pid() const { return pid_; }

private:
    pid_t pid_ = -1;
    int release_ = -1;
    bool holding_ = false;
};

// root/ and outside/ inside a TempDir; see build() for the entries.
struct LockTree {
    TempDir tmp;
    std::string root = tmp / "root";
    std::string outside = tmp / "outside";
    std::set<std::string> expected_locks;   // paths relative to root
    std::set<std::string> expected_stale;   // at the 1 hour threshold
    std::set<std::string> non_regular;      // listed, never opened
    std::set<std::string> invalid_record;   // regular, record_valid false
    std::map<std::string, Holder> holder;   // verdict per regular lock file
    std::unique_ptr<ChildHolder> held;      // holds root/held.lock

    std::string at(const std::string &rel) const { return root + "/" + rel; }

    void lock(const std::string &rel, const std::string &text, Holder h, bool stale)
    {
        write_file(at(rel), text);
        expected_locks.insert(rel);
        holder[rel] = h;
        if (stale) expected_stale.insert(rel);
    }

    void build()
    {
        ::mkdir(root.c_str(), 0755);
        ::mkdir(outside.c_str(), 0755);
        const int64_t old = hours_ago(2);
        const std::string own_start = std::to_string(platform::self_start_token());
        lock("stale.lock", dead_record(old), Holder::Dead, true);
        lock("young.lock", dead_record(platform::realtime_ms()), Holder::Dead, false);
        lock("reused.lock",
             record(::getpid(), old, "start=" + std::to_string(platform::self_start_token() + 7919) + "\n"),
             Holder::Dead, true);
        lock("alive.lock", record(::getpid(), old, "start=" + own_start + "\n"), Holder::Alive, false);
        lock("foreign.lock",
             std::to_string(dead_process().pid) + "\nv=1\nhost=elsewhere.invalid\nacquired=" +
                 std::to_string(old) + "\n",
             Holder::Unknown, false);
        lock("otherboot.lock",
             std::to_string(::getpid()) + "\nv=1\nhost=" + platform::host_name() +
                 "\nboot=00000000-0000-0000-0000-000000000000\nacquired=" + std::to_string(old) + "\n",
             Holder::Dead, true);
        lock("garbage.lock", "this is not a lock record\n", Holder::Unknown, false);
        lock("empty.lock", "", Holder::Unknown, false);
        lock("oversized.lock", dead_record(old, "tag=" + std::string(5000, 'x') + "\n"),
             Holder::Unknown, false);
        invalid_record = {"garbage.lock", "empty.lock", "oversized.lock"};
        // Held by a live child although its record names a dead process.
        lock("held.lock", dead_record(old), Holder::Dead, false);
        held = std::make_unique<ChildHolder>(at("held.lock"));

        // Stale-looking lock files the scan must not reach or follow.
        write_file(outside + "/victim.lock", dead_record(old));
        ::symlink("../outside/victim.lock", at("link.lock").c_str());
        ::symlink("../outside", at("linkdir").c_str());
        ::mkfifo(at("fifo.lock").c_str(), 0644);
        ::mkdir(at("dir.lock").c_str(), 0755);
        non_regular = {"link.lock", "fifo.lock", "dir.lock"};
        expected_locks.insert(non_regular.begin(), non_regular.end());
        lock("dir.lock/inner.lock", dead_record(old), Holder::Dead, true);
        write_file(at("notalock.txt"), dead_record(old));
        ::mkdir(at("sub").c_str(), 0755);
        ::mkdir(at("sub/deep").c_str(), 0755);
        lock("sub/deep/deeper.lock", dead_record(old), Holder::Dead, true);
    }
};

} // namespace filelock::test
