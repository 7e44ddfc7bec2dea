// posix_process.cpp - this process and this host on POSIX: PID, host name,
// processor count, clocks.
#include "platform.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <climits>
#include <ctime>
#include <new>

namespace filelock::platform {

// --- processes and host -------------------------------------------------------

// getpid() is a real system call (glibc caches nothing), and acquire/release
// ask for the PID several times (fork check, record).  Cache it in a page the
// kernel zeroes in a forked child (MADV_WIPEONFORK, Linux >= 4.14), so a
// child never sees its parent's PID; elsewhere, ask the kernel each time.
int64_t current_pid()
{
#if defined(__linux__) && defined(MADV_WIPEONFORK)
    static std::atomic<int64_t> *const cache = []() -> std::atomic<int64_t> * {
        long page = ::sysconf(_SC_PAGESIZE);
        if (page <= 0) return nullptr;
        void *p = ::mmap(nullptr, static_cast<size_t>(page), PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) return nullptr;
        if (::madvise(p, static_cast<size_t>(page), MADV_WIPEONFORK) != 0) {
            ::munmap(p, static_cast<size_t>(page));
            return nullptr;
        }
        return new (p) std::atomic<int64_t>(0);
    }();
    if (cache) {
        int64_t pid = cache->load(std::memory_order_relaxed);
        if (pid == 0) {
            pid = static_cast<int64_t>(::getpid());
            cache->store(pid, std::memory_order_relaxed);
        }
        return pid;
    }
#endif
    return static_cast<int64_t>(::getpid());
}

const std::string &host_name()
{
    static const std::string name = [] {
        char buf[HOST_NAME_MAX + 2] = {0};
        if (::gethostname(buf, sizeof buf - 1) != 0) return std::string();
        std::string s(buf);
        for (char &c : s)
            if (c == '\n' || c == '\r') c = '_';
        return s;
    }();
    return name;
}

int cpu_count()
{
    long n = ::sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? static_cast<int>(n) : 1;
}


// --- time -----------------------------------------------------------------------

int64_t monotonic_us()
{
    struct timespec t;
    ::clock_gettime(CLOCK_MONOTONIC, &t);
    return static_cast<int64_t>(t.tv_sec) * 1000000 + t.tv_nsec / 1000;
}

int64_t realtime_ms()
{
    struct timespec t;
    ::clock_gettime(CLOCK_REALTIME, &t);
    return static_cast<int64_t>(t.tv_sec) * 1000 + t.tv_nsec / 1000000;
}

} // namespace filelock::platform
