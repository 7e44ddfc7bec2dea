// linux_watch.cpp - waking a waiter with inotify when a lock file may have
// changed (PROTOCOL B).
#include "platform.hpp"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <ctime>
#include <vector>

#include "posix_detail.hpp"

namespace filelock::platform {

namespace {

// One inotify instance per thread, created on first use and kept: closing
// one costs milliseconds, which must not land on the hand-off path.  Its
// watches are kept too (the last kKeptWatches): removing a watch queues
// deferred mark destruction (an SRCU grace period on a kernel worker), which
// measurably slows the next wake-up; re-adding the same inode returns the
// same watch for free.  Events from kept watches only cause a spurious
// re-check; each wait drains the queue before it arms.
struct ThreadInotify {
    static constexpr size_t kKeptWatches = 16;
    int fd = -1;
    int64_t owner = 0;       // process that created fd (an inherited one is not ours)
    std::vector<int> kept;   // oldest first
    ~ThreadInotify()
    {
        if (fd >= 0 && owner == current_pid()) ::close(fd);
    }
    int get()
    {
        int64_t pid = current_pid();
        if (fd >= 0 && owner != pid) {  // forked: the instance is shared with the parent
            ::close(fd);
            fd = -1;
            kept.clear();
        }
        if (fd < 0) {
            fd = ::inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
            owner = pid;
        }
        return fd;
    }
    void keep(int wd)
    {
        if (wd < 0) return;
        for (int k : kept)
            if (k == wd) return;
        kept.push_back(wd);
        if (kept.size() > kKeptWatches) {
            ::inotify_rm_watch(fd, kept.front());
            kept.erase(kept.begin());
        }
    }
};
thread_local ThreadInotify t_inotify;

void drain(int fd)
{
    alignas(struct inotify_event) char buf[4096];
    while (::read(fd, buf, sizeof buf) > 0) {
    }
}

// Read what is queued; true if any event may concern `name` (or events were lost).
bool read_events(int fd, const char *name, int dir_wd, int file_wd)
{
    alignas(struct inotify_event) char buf[4096];
    bool relevant = false;
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n <= 0) return relevant;
        for (ssize_t off = 0; off + static_cast<ssize_t>(sizeof(struct inotify_event)) <= n;) {
            const auto *ev = reinterpret_cast<const struct inotify_event *>(buf + off);
            if ((ev->mask & IN_Q_OVERFLOW) || (ev->wd >= 0 && ev->wd == file_wd) ||
                (ev->wd == dir_wd && ((ev->mask & (IN_IGNORED | IN_UNMOUNT)) ||
                                      (ev->len > 0 && std::strcmp(ev->name, name) == 0))))
                relevant = true;
            off += static_cast<ssize_t>(sizeof(struct inotify_event) + ev->len);
        }
        if (static_cast<size_t>(n) < sizeof buf - sizeof(struct inotify_event) - NAME_MAX - 1)
            return relevant;  // that was everything
    }
}

struct timespec to_timespec(int64_t us)
{
    struct timespec ts;
    ts.tv_sec = static_cast<time_t>(us / 1000000);
    ts.tv_nsec = static_cast<long>((us % 1000000) * 1000);
    return ts;
}

} // namespace

struct ChangeWatch::Impl {
    int inotify_fd = -1;
    int dir_wd = -1;
    int file_wd = -1;
    std::string file;
};

// The watch is on the directory, for events about the lock file's name:
// IN_CLOSE_WRITE / IN_ATTRIB (a holder that keeps the file closes it;
// IN_CLOSE_NOWRITE for one that opened it read-only: a shared holder or one
// that writes no record) and
// IN_DELETE / IN_MOVED_FROM (a holder that removes it).  One kept directory
// watch serves every wait in that directory, so no watch is added or removed
// per lock file (see ThreadInotify).  If the directory cannot be watched,
// the file is watched instead.
ChangeWatch::ChangeWatch(const std::string &dir, const std::string &file)
    : impl_(std::make_unique<Impl>())
{
    impl_->file = file;
    impl_->inotify_fd = t_inotify.get();
    if (impl_->inotify_fd < 0) return;
    impl_->dir_wd = ::inotify_add_watch(impl_->inotify_fd, dir.c_str(),
                                        IN_DELETE | IN_MOVED_FROM | IN_CLOSE_WRITE | IN_CLOSE_NOWRITE |
                                            IN_ATTRIB |
                                            IN_ONLYDIR);
    t_inotify.keep(impl_->dir_wd);
    rewatch_file();
    drain(impl_->inotify_fd);  // after arming: what is queued now is history
}

// Watches stay armed for the next wait on this thread (see ThreadInotify).
ChangeWatch::~ChangeWatch() = default;

void ChangeWatch::rewatch_file()
{
    Impl &w = *impl_;
    if (w.inotify_fd < 0 || w.dir_wd >= 0) return;  // the directory watch covers any inode at the name
    int wd = ::inotify_add_watch(w.inotify_fd, w.file.c_str(), IN_CLOSE_WRITE | IN_CLOSE_NOWRITE | IN_ATTRIB |
                                                                     IN_DONT_FOLLOW);
    if (wd >= 0) {
        w.file_wd = wd;
        t_inotify.keep(wd);
    }
}

void ChangeWatch::wait(int64_t timeout_us, const Wakeup *wake)
{
    const Impl &w = *impl_;
    if (timeout_us < 0) timeout_us = 0;
    // Sleep until an event about our name (others in the directory are
    // skipped without waking the caller), a wake-up, or the timeout.
    size_t slash = w.file.rfind('/');
    const char *name = w.file.c_str() + (slash == std::string::npos ? 0 : slash + 1);
    const int64_t deadline = monotonic_us() + timeout_us;
    struct timespec ts = to_timespec(timeout_us);
    for (;;) {
        struct pollfd p[2] = {{w.inotify_fd, POLLIN, 0}, {detail::wakeup_fd(wake), POLLIN, 0}};
        if (::ppoll(p, 2, &ts, nullptr) <= 0) return;  // timeout or signal: caller retries
        if (p[1].revents) return;
        if (w.inotify_fd < 0 || read_events(w.inotify_fd, name, w.dir_wd, w.file_wd)) return;
        int64_t left = deadline - monotonic_us();
        if (left <= 0) return;
        ts = to_timespec(left);
    }
}

} // namespace filelock::platform
