// posix.cpp - the platform seam on Linux and other POSIX systems: flock(2),
// /proc for liveness and held-lock queries, inotify for wake-ups.
#include "platform.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <atomic>
#include <mutex>
#include <vector>

#ifdef __linux__
#include <sys/inotify.h>
#include <sys/vfs.h>
#endif

#include "error.hpp"
#include "filelock.h"
#include "posix_detail.hpp"

namespace filelock::platform {

namespace {

bool read_text(const char *path, std::string *out, size_t cap = 65536)
{
    int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    out->clear();
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        out->append(buf, static_cast<size_t>(n));
        if (out->size() >= cap) break;
    }
    ::close(fd);
    return true;
}

std::string trim(std::string s)
{
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' '))
        s.pop_back();
    return s;
}

uint64_t id_key(uint64_t dev, uint64_t ino)
{
    return ino * 1000003ULL ^ (dev * 0x9E3779B97F4A7C15ULL);
}

} // namespace

namespace detail {

std::string kind_of(mode_t m)
{
    if (S_ISREG(m)) return "regular file";
    if (S_ISDIR(m)) return "directory";
    if (S_ISLNK(m)) return "symlink";
    if (S_ISFIFO(m)) return "FIFO";
    if (S_ISSOCK(m)) return "socket";
    if (S_ISCHR(m)) return "character device";
    if (S_ISBLK(m)) return "block device";
    return "special file";
}

void fill_stat(const struct stat &s, FileStat *st)
{
    st->id = FileId{static_cast<uint64_t>(s.st_dev), static_cast<uint64_t>(s.st_ino)};
    st->regular = S_ISREG(s.st_mode);
    st->directory = S_ISDIR(s.st_mode);
    st->symlink = S_ISLNK(s.st_mode);
    st->size_bytes = s.st_size;
    // A file system may store times far outside what milliseconds in an
    // int64 can hold; saturate (the judges treat such times as unknown).
    const int64_t sec = static_cast<int64_t>(s.st_mtim.tv_sec);
    if (sec > INT64_MAX / 1000 - 1) st->mtime_ms = INT64_MAX;
    else if (sec < INT64_MIN / 1000 + 1) st->mtime_ms = INT64_MIN;
    else st->mtime_ms = sec * 1000 + s.st_mtim.tv_nsec / 1000000;
    st->uid = s.st_uid;
    st->nlink = static_cast<uint32_t>(s.st_nlink);
    st->kind = kind_of(s.st_mode);
}

} // namespace detail

using detail::fill_stat;
using detail::kind_of;

// --- lock files -------------------------------------------------------------

static int lock_error(int err, const std::string &path)
{
    if (err == ENOLCK || err == ENOTSUP || err == EOPNOTSUPP || err == ENOSYS)
        return fail_os(FL_ENOTSUP, err, "file system of " + path + " does not support flock: " +
                                    os_error_text(err));
    return fail_errno(err, "cannot lock", path);
}

int try_lock(Handle h, bool shared, const std::string &path)
{
    int op = (shared ? LOCK_SH : LOCK_EX) | LOCK_NB;
    for (;;) {
        if (::flock(h, op) == 0) return FL_OK;
        if (errno == EINTR) continue;
        if (errno == EWOULDBLOCK) return FL_EBUSY;
        return lock_error(errno, path);
    }
}

int lock_blocking(Handle h, bool shared, const std::string &path)
{
    int op = shared ? LOCK_SH : LOCK_EX;
    for (;;) {
        if (::flock(h, op) == 0) return FL_OK;
        if (errno == EINTR) continue;
        return lock_error(errno, path);
    }
}

void unlock(Handle h)
{
    if (h >= 0) ::flock(h, LOCK_UN);
}

void close_handle(Handle h)
{
    if (h < 0) return;
    detail::untrack_handle(h);
    ::close(h);
}

int stat_path(const std::string &path, FileStat *st)
{
    struct stat s;
    if (::lstat(path.c_str(), &s) != 0) return fail_errno(errno, "cannot stat", path);
    fill_stat(s, st);
    return FL_OK;
}

int stat_handle(Handle h, FileStat *st)
{
    struct stat s;
    if (::fstat(h, &s) != 0) return fail_errno(errno, "cannot stat descriptor", "");
    fill_stat(s, st);
    return FL_OK;
}

int write_record(Handle h, const std::string &text, const std::string &path)
{
    size_t done = 0;
    while (done < text.size()) {
        ssize_t n = ::pwrite(h, text.data() + done, text.size() - done, static_cast<off_t>(done));
        if (n < 0) {
            if (errno == EINTR) continue;
            return fail_errno(errno, "cannot write lock record to", path);
        }
        done += static_cast<size_t>(n);
    }
    if (::ftruncate(h, static_cast<off_t>(text.size())) != 0)
        return fail_errno(errno, "cannot truncate lock record of", path);
    return FL_OK;
}

int chmod_handle(Handle h, uint32_t mode, const std::string &path)
{
    if (::fchmod(h, static_cast<mode_t>(mode & 07777)) != 0)
        return fail_errno(errno, "cannot chmod lock file", path);
    return FL_OK;
}

int read_handle(Handle h, size_t cap, std::string *out)
{
    out->assign(cap + 1, '\0');
    size_t got = 0;
    while (got < cap + 1) {
        ssize_t n = ::pread(h, out->data() + got, cap + 1 - got, static_cast<off_t>(got));
        if (n < 0) {
            if (errno == EINTR) continue;
            return fail_errno(errno, "cannot read", "lock file");
        }
        if (n == 0) break;
        got += static_cast<size_t>(n);
    }
    out->resize(got);
    return FL_OK;
}

// --- held ---------------------------------------------------------------------

HeldIndex HeldIndex::snapshot()
{
    HeldIndex idx;
#ifdef __linux__
    std::string text;
    if (!read_text("/proc/locks", &text, SIZE_MAX)) return idx;
    idx.available_ = true;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t eol = text.find('\n', pos);
        if (eol == std::string::npos) eol = text.size();
        std::string_view line(text.data() + pos, eol - pos);
        pos = eol + 1;
        // "1: FLOCK  ADVISORY  WRITE 1234 fd:01:5678 0 EOF"; waiters carry "->".
        if (line.find("->") != std::string_view::npos) continue;
        int field = 0;
        size_t i = 0;
        std::string_view devino;
        while (i < line.size() && field <= 5) {
            while (i < line.size() && line[i] == ' ') ++i;
            size_t start = i;
            while (i < line.size() && line[i] != ' ') ++i;
            if (field == 5) devino = line.substr(start, i - start);
            ++field;
        }
        unsigned maj = 0, min = 0;
        unsigned long long ino = 0;
        std::string tok(devino);
        if (std::sscanf(tok.c_str(), "%x:%x:%llu", &maj, &min, &ino) == 3) {
            idx.exact_.insert(id_key(static_cast<uint64_t>(makedev(maj, min)), ino));
        }
    }
#endif
    return idx;
}

int HeldIndex::held(const Dir &dir, const std::string &name, const FileId &id) const
{
    if (!available_) return dir.probe_held(name);
    if (exact_.count(id_key(id.dev, id.ino))) return 1;
#ifdef __linux__
    // Where stat's device or inode numbers differ from the ones the kernel
    // prints in /proc/locks (overlayfs, btrfs subvolumes), the table cannot
    // answer "not held"; fall back to a probe.  One statfs per device.
    auto it = table_answers_.find(id.dev);
    if (it == table_answers_.end()) {
        struct statfs sf;
        bool answers = true;
        if (::fstatfs(dir.native(), &sf) == 0) {
            const unsigned long fs = static_cast<unsigned long>(sf.f_type);
            answers = !(fs == 0x794c7630UL /* overlayfs */ || fs == 0x9123683eUL /* btrfs */);
        }
        it = table_answers_.emplace(id.dev, answers).first;
    }
    if (!it->second) return dir.probe_held(name);
#endif
    return 0;
}

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

const std::string &boot_id()
{
    static const std::string id = [] {
        std::string s;
        if (!read_text("/proc/sys/kernel/random/boot_id", &s, 128)) return std::string();
        return trim(s);
    }();
    return id;
}

const std::string &pid_namespace()
{
    static const std::string ns = [] {
        char buf[128];
        ssize_t n = ::readlink("/proc/self/ns/pid", buf, sizeof buf - 1);
        if (n <= 0) return std::string();
        std::string s(buf, static_cast<size_t>(n)); // "pid:[4026531836]"
        size_t a = s.find('['), b = s.find(']');
        if (a == std::string::npos || b == std::string::npos || b <= a + 1) return std::string();
        return s.substr(a + 1, b - a - 1);
    }();
    return ns;
}

int64_t parse_stat_start_token(const std::string &text, char *state)
{
    size_t close = text.rfind(')');
    if (close == std::string::npos) return -1;
    // After ") " come field 3 (state), 4, ... ; field 22 is the 20th of them.
    size_t i = close + 1;
    int field = 2;
    while (i < text.size()) {
        while (i < text.size() && text[i] == ' ') ++i;
        size_t start = i;
        while (i < text.size() && text[i] != ' ' && text[i] != '\n') ++i;
        if (start == i) break;
        ++field;
        if (field == 3 && state) *state = text[start];
        if (field == 22) {
            std::string tok = text.substr(start, i - start);
            char *end = nullptr;
            errno = 0;
            unsigned long long v = std::strtoull(tok.c_str(), &end, 10);
            if (errno || !end || *end || tok.empty() || v > static_cast<unsigned long long>(INT64_MAX))
                return -1;
            return static_cast<int64_t>(v);
        }
    }
    return -1;
}

int64_t self_start_token()
{
    static std::mutex mu;
    static int64_t cached_pid = -1;
    static int64_t cached = -1;
    int64_t pid = current_pid();
    std::lock_guard<std::mutex> g(mu);
    if (pid != cached_pid) {
        std::string text;
        cached = read_text("/proc/self/stat", &text, 4096) ? parse_stat_start_token(text, nullptr) : -1;
        cached_pid = pid;
    }
    return cached;
}

namespace {
// "Threads:" of /proc/<pid>/status; 0 when unreadable.
int64_t live_threads(int64_t pid)
{
    std::string text;
    std::string path = "/proc/" + std::to_string(pid) + "/status";
    if (!read_text(path.c_str(), &text, 8192)) return 0;
    size_t at = text.find("\nThreads:");
    if (at == std::string::npos) return 0;
    return std::strtoll(text.c_str() + at + 9, nullptr, 10);
}
} // namespace

ProcessState process_state(int64_t pid)
{
    ProcessState ps;
    if (pid < 1 || pid > INT32_MAX) return ps;
    if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno != EPERM) return ps;
    ps.exists = true;
    std::string text;
    std::string path = "/proc/" + std::to_string(pid) + "/stat";
    if (read_text(path.c_str(), &text, 4096)) {
        char state = 0;
        ps.start_token = parse_stat_start_token(text, &state);
        // A process whose main thread has exited (pthread_exit in main)
        // shows its leader as a zombie while other threads run on: only a
        // zombie with no other thread has exited.
        ps.zombie = (state == 'Z' || state == 'X') && live_threads(pid) <= 1;
    }
    return ps;
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

// --- waiting ----------------------------------------------------------------------

#ifdef __linux__
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
} // namespace
#endif

// The watch is on the directory, for events about the lock file's name:
// IN_CLOSE_WRITE / IN_ATTRIB (a holder that keeps the file closes it) and
// IN_DELETE / IN_MOVED_FROM (a holder that removes it).  One kept directory
// watch serves every wait in that directory, so no watch is added or removed
// per lock file (see ThreadInotify).  If the directory cannot be watched,
// the file is watched instead.
ChangeWatch::ChangeWatch(const std::string &dir, const std::string &file) : file_(file)
{
#ifdef __linux__
    inotify_fd_ = t_inotify.get();
    if (inotify_fd_ < 0) return;
    dir_wd_ = ::inotify_add_watch(inotify_fd_, dir.c_str(),
                                  IN_DELETE | IN_MOVED_FROM | IN_CLOSE_WRITE | IN_ATTRIB | IN_ONLYDIR);
    t_inotify.keep(dir_wd_);
    rewatch_file();
    drain(inotify_fd_);  // after arming: what is queued now is history
#else
    (void)dir;
#endif
}

void ChangeWatch::rewatch_file()
{
#ifdef __linux__
    if (inotify_fd_ < 0 || dir_wd_ >= 0) return;  // the directory watch covers any inode at the name
    int wd = ::inotify_add_watch(inotify_fd_, file_.c_str(),
                                 IN_CLOSE_WRITE | IN_ATTRIB | IN_DONT_FOLLOW);
    if (wd >= 0) {
        file_wd_ = wd;
        t_inotify.keep(wd);
    }
#endif
}

ChangeWatch::~ChangeWatch()
{
    // Watches stay armed for the next wait on this thread (see ThreadInotify).
}

#ifdef __linux__
namespace {
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
} // namespace
#endif

void ChangeWatch::wait(int64_t timeout_us)
{
    if (timeout_us < 0) timeout_us = 0;
    struct timespec ts;
    ts.tv_sec = static_cast<time_t>(timeout_us / 1000000);
    ts.tv_nsec = static_cast<long>((timeout_us % 1000000) * 1000);
    if (inotify_fd_ < 0) {
        while (::nanosleep(&ts, &ts) != 0 && errno == EINTR) {
        }
        return;
    }
#ifdef __linux__
    // Sleep until an event about our name (others in the directory are
    // skipped without waking the caller) or the timeout.
    size_t slash = file_.rfind('/');
    const char *name = file_.c_str() + (slash == std::string::npos ? 0 : slash + 1);
    const int64_t deadline = monotonic_us() + timeout_us;
    for (;;) {
        struct pollfd p = {inotify_fd_, POLLIN, 0};
        if (::ppoll(&p, 1, &ts, nullptr) <= 0) return;  // timeout or signal: caller retries
        if (read_events(inotify_fd_, name, dir_wd_, file_wd_)) return;
        int64_t left = deadline - monotonic_us();
        if (left <= 0) return;
        ts.tv_sec = static_cast<time_t>(left / 1000000);
        ts.tv_nsec = static_cast<long>((left % 1000000) * 1000);
    }
#endif
}

// --- directories ------------------------------------------------------------------

int real_dir(const std::string &path, std::string *out)
{
    char *r = ::realpath(path.c_str(), nullptr);
    if (!r) return fail_errno(errno, "cannot resolve directory", path);
    out->assign(r);
    std::free(r);
    return FL_OK;
}

std::string current_dir()
{
    char *c = ::getcwd(nullptr, 0);
    if (!c) return ".";
    std::string s(c);
    std::free(c);
    return s;
}

int cpu_count()
{
    long n = ::sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? static_cast<int>(n) : 1;
}

} // namespace filelock::platform
