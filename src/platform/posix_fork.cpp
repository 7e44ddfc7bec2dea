// posix_fork.cpp - lock descriptors in a forked child.  A child created by
// fork() without exec inherits every descriptor, and with it a reference to
// each locked open file: if the holder then crashes, the child keeps the lock
// until it exits, and "a crashed holder never blocks the next acquirer" would
// be false.  So the child handler below drops the child's reference to every
// tracked lock descriptor.  It does not unlock (that would release the
// parent's lock too: the lock belongs to the shared open file) and it does
// not close (the child's handle still names the number and will close it
// later); it points the number at /dev/null instead.
#include "platform.hpp"
#include "posix_detail.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <unordered_set>

namespace filelock::platform::detail {

namespace {

// The gate: a count of threads inside a ForkGate, and of forks under way.
// Plain atomics, not a pthread rwlock: a rwlock remembers its writer by
// thread id, and the child's thread has a new one, so it cannot be unlocked
// there.  Forks are rare and gated sections short, so waiting is a yield.
std::atomic<int> g_inside{0};
std::atomic<int> g_forking{0};

std::mutex g_mu;                     // guards tracked()
std::unordered_set<int> &tracked()
{
    static auto *s = new std::unordered_set<int>();
    return *s;  // never destroyed: handles may close during static destruction
}

void prepare()
{
    g_forking.fetch_add(1);
    while (g_inside.load() > 0) sched_yield();
    g_mu.lock();
}

void parent()
{
    g_mu.unlock();
    g_forking.fetch_sub(1);
}

void child()
{
    // Only this thread exists now, and every lock a fork handler takes was
    // taken by it in prepare().
    int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    for (int fd : tracked()) {
        if (null_fd >= 0 && ::dup2(null_fd, fd) == fd)
            ::fcntl(fd, F_SETFD, FD_CLOEXEC);
        else
            ::close(fd);  // no /dev/null: drop the reference, accept the risk
    }
    if (null_fd >= 0) ::close(null_fd);
    // The child's own handles close these numbers when they go; a later
    // fork of the child has nothing of ours left to drop.
    tracked().clear();
    g_inside.store(0);
    g_forking.store(0);
    g_mu.unlock();  // a plain mutex: unlocking it here is what fork handlers do
}

void install_once()
{
    static std::once_flag once;
    std::call_once(once, [] { pthread_atfork(prepare, parent, child); });
}

} // namespace

ForkGate::ForkGate()
{
    install_once();
    for (;;) {
        g_inside.fetch_add(1);
        if (g_forking.load() == 0) return;
        g_inside.fetch_sub(1);  // a fork is under way: let it pass first
        while (g_forking.load() > 0) sched_yield();
    }
}

ForkGate::~ForkGate()
{
    g_inside.fetch_sub(1);
}

void track_handle(int h)
{
    if (h < 0) return;
    install_once();
    std::lock_guard<std::mutex> g(g_mu);
    tracked().insert(h);
}

void untrack_handle(int h)
{
    if (h < 0) return;
    std::lock_guard<std::mutex> g(g_mu);
    tracked().erase(h);
}

} // namespace filelock::platform::detail

namespace filelock::platform {

void at_fork(void (*prepare)(), void (*parent)(), void (*child)())
{
    ::pthread_atfork(prepare, parent, child);
}

} // namespace filelock::platform
