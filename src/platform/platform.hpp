// platform.hpp - the platform seam.  Everything that differs between operating
// systems lives behind these declarations: posix.cpp implements them today; a
// win32.cpp (LockFileEx) will implement the same set.  Callers see FL_E* codes
// (with the last-error message set), never errno.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace filelock::platform {

using Handle = int;               // an open lock file (fd on POSIX)
constexpr Handle kInvalid = -1;

struct FileId {
    uint64_t dev = 0;
    uint64_t ino = 0;
    bool operator==(const FileId &o) const { return dev == o.dev && ino == o.ino; }
    bool operator!=(const FileId &o) const { return !(*this == o); }
};

struct FileStat {
    FileId id;
    bool regular = false;
    bool directory = false;
    bool symlink = false;
    int64_t size_bytes = 0;
    int64_t mtime_ms = 0;
    uint32_t uid = 0;
    uint32_t nlink = 0;
    std::string kind;             // "regular file", "symlink", "FIFO", ...
};

// --- lock files -----------------------------------------------------------

// PROTOCOL A1 (create=true) / H1 (create=false): open the lock file without
// following a final symlink, close-on-exec, never truncating.  Rejects
// non-regular files with FL_EUNSAFE.  On success *id is the opened inode.
int open_lock_file(const std::string &path, bool create, uint32_t mode, Handle *out, FileId *id);

// flock(LOCK_EX|LOCK_NB) or LOCK_SH: FL_OK, FL_EBUSY, or a permanent error.
int try_lock(Handle h, bool shared, const std::string &path);

// Blocking flock: FL_OK or a permanent error (EINTR is retried).
int lock_blocking(Handle h, bool shared, const std::string &path);

void unlock(Handle h);
void close_handle(Handle h);

// Identity check (A3): does `path` still name inode `id`?  1 yes, 0 no
// (missing or another inode), negative code on other errors.
int path_is(const std::string &path, const FileId &id);

// lstat(path) into *st: FL_OK, FL_ENOENT, ...
int stat_path(const std::string &path, FileStat *st);
int stat_handle(Handle h, FileStat *st);

// Write the record through the locked handle: pwrite at 0, then ftruncate.
int write_record(Handle h, const std::string &text, const std::string &path);
int chmod_handle(Handle h, uint32_t mode, const std::string &path);

// unlink(path): FL_OK; FL_ENOENT is returned as such (callers decide).
int remove_path(const std::string &path);

// Read at most `cap` bytes (plus one to detect oversize) from a regular file,
// opened with O_RDONLY|O_NOFOLLOW|O_NONBLOCK|O_CLOEXEC.  *st describes it.
int read_small_file(const std::string &path, size_t cap, std::string *out, FileStat *st);
int read_handle(Handle h, size_t cap, std::string *out);

// --- held (PROTOCOL F) ------------------------------------------------------

// A snapshot of the inodes that some process holds an OS lock on, taken
// without side effects (Linux: /proc/locks).  `available` is false where the
// platform has no such table; held() then probes.
class HeldIndex {
public:
    static HeldIndex snapshot();
    // 1 held, 0 not held, -1 unknown.  May probe with a non-blocking lock on
    // a separate read-only descriptor where the table cannot answer.
    int held(const std::string &path, const FileId &id) const;
    bool available() const { return available_; }

private:
    bool available_ = false;
    std::unordered_set<uint64_t> exact_;  // (dev, ino) keys from /proc/locks
    mutable std::unordered_map<uint64_t, bool> table_answers_;  // per st_dev
};

// --- processes and host -----------------------------------------------------

int64_t current_pid();
const std::string &host_name();     // gethostname, cached
const std::string &boot_id();       // "" if unknown, cached
const std::string &pid_namespace(); // e.g. "4026531836", "" if unknown
int64_t self_start_token();         // -1 if unknown; refreshed after fork

struct ProcessState {
    bool exists = false;       // kill(pid, 0) == 0 or EPERM
    bool zombie = false;       // exited, not yet reaped
    int64_t start_token = -1;  // -1 if unreadable
};
ProcessState process_state(int64_t pid);

// Start token parsing for /proc/<pid>/stat text: field 22, counted after the
// LAST ')' (the command name may contain spaces and parentheses).  -1 when
// malformed.  *state receives the state letter.
int64_t parse_stat_start_token(const std::string &stat_text, char *state);

// --- time -------------------------------------------------------------------

int64_t monotonic_us();
int64_t realtime_ms();

// --- waiting ----------------------------------------------------------------

// Wakes a waiter when a lock file or its directory changes (Linux: inotify,
// one instance per thread, kept for the thread's life).  A hint only: callers
// still poll with a capped backoff.
class ChangeWatch {
public:
    ChangeWatch(const std::string &dir, const std::string &file);
    ~ChangeWatch();
    ChangeWatch(const ChangeWatch &) = delete;
    ChangeWatch &operator=(const ChangeWatch &) = delete;
    // Re-arm the watch on whatever inode `file` names now.
    void rewatch_file();
    // Sleep until an event or `timeout_us`; drains pending events.
    void wait(int64_t timeout_us);

private:
    int inotify_fd_ = -1;
    int dir_wd_ = -1;
    int file_wd_ = -1;
    std::string file_;
};

// --- directories (monitor) --------------------------------------------------

struct DirEntry {
    std::string name;
    unsigned char type = 0;  // DT_* hint, 0 if unknown
};
// List a directory without following a symlink at `path`.
int list_dir(const std::string &path, std::vector<DirEntry> *out, FileStat *dir_st);

// Real path of a directory (symlinks resolved).
int real_dir(const std::string &path, std::string *out);
std::string current_dir();

int cpu_count();

} // namespace filelock::platform
