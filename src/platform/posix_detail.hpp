// posix_detail.hpp - helpers the POSIX platform files share (not part of the
// platform seam).
#pragma once

#include <sys/stat.h>

#include <string>
#include <string_view>

#include "platform.hpp"

namespace filelock::platform {

struct Wakeup::Impl {
    int rd = -1;  // readable while signalled (a pipe)
    int wr = -1;
};

namespace detail {

struct DirAccess {
    static int fd(const Dir &d) { return static_cast<int>(d.fd_); }
};

// Read a small system file (/proc, /sys) whole, up to `cap` bytes.
bool read_text(const char *path, std::string *out, size_t cap = 65536);

// The descriptor a wait polls for `wake` (-1 when there is none).
inline int wakeup_fd(const Wakeup *wake)
{
    return wake && wake->impl() ? wake->impl()->rd : -1;
}

// "regular file", "symlink", "FIFO", ...
std::string kind_of(mode_t m);

// struct stat -> FileStat.  Times beyond what int64 milliseconds can hold
// saturate instead of overflowing.
void fill_stat(const struct stat &s, FileStat *st);

// Lock descriptors a forked child must not keep (posix_fork.cpp).  Every
// descriptor open_lock() returns is tracked while it is open.  In a forked
// child each tracked descriptor is pointed at /dev/null (dup2): the child's
// reference to the locked open file is dropped (the parent's lock stays:
// closing a reference never unlocks while another is open), and the number
// stays taken until the child's own handle closes it, so no unrelated
// descriptor of the child is ever closed in its place.
void track_handle(int fd);
void untrack_handle(int fd);

// While a ForkGate lives, fork() in another thread waits (its prepare
// handler waits the gate out): a descriptor opened and tracked under the
// gate is never copied into a child untracked.  Never take a ForkGate while
// holding a lock that a fork handler takes (the deadlock guard's).
class ForkGate {
public:
    ForkGate();
    ~ForkGate();
    ForkGate(const ForkGate &) = delete;
    ForkGate &operator=(const ForkGate &) = delete;
};

} // namespace detail
} // namespace filelock::platform

namespace filelock {

// Map an errno value to the closest FL_E* code (posix_error.cpp).
int code_from_errno(int err);

// fail_os() with the code for `err` and "<what> <path>: <strerror(err)>".
int fail_errno(int err, std::string_view what, std::string_view path);

// Thread-safe strerror.
std::string os_error_text(int err);

} // namespace filelock
