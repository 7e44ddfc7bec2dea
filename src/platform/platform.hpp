// platform.hpp - the platform seam.  Everything that differs between operating
// systems lives behind these declarations, implemented by one file per
// mechanism; dir.cpp holds what every set shares of Dir.  POSIX:
// posix_file.cpp (flock on a descriptor, stat, records, paths), posix_dir.cpp
// (lock files named inside an open directory), posix_fork.cpp (lock
// descriptors in a forked child), posix_process.cpp (PID, host, clocks),
// posix_wakeup.cpp (cross-thread wake-ups),
// posix_library.cpp (libraries loaded on first use), posix_error.cpp (errno
// as FL_E* codes and messages), and per system either the Linux files
// (linux_proc.cpp: /proc liveness; linux_held.cpp: /proc/locks;
// linux_watch.cpp: inotify) or the portable POSIX fallbacks (posix_proc.cpp,
// probe_held.cpp, posix_watch.cpp).  Windows: the files in win32/
// (LockFileEx, handle-relative NtCreateFile, change notifications,
// OpenProcess liveness) and probe_held.cpp.  src/meson.build picks the set
// by host system.  Callers see FL_E* codes (with the last-error message
// set), never errno or a Windows error code.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace filelock::platform {

// An open lock file: a descriptor on POSIX, a HANDLE on Windows.
using Handle = std::intptr_t;
constexpr Handle kInvalid = -1;

namespace detail {
struct DirAccess;  // the platform files' way to a Dir's descriptor
}

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

// --- lock files, acted on through their directory (posix_dir.cpp) ----------

struct DirEntry {
    std::string name;
    enum class Type { Unknown, Regular, Directory, Other } type = Type::Unknown;
};

// How open_lock() opens an entry.
struct OpenHow {
    bool create = false;        // create a missing file (PROTOCOL A1); else H1
    bool write = true;          // O_RDWR; false: O_RDONLY (a shared lock needs no write)
    bool expect_absent = false; // try O_CREAT|O_EXCL first (lock files removed on release)
    uint32_t mode = 0644;       // for a created file (umask applies)
    bool directory = false;     // the entry is a directory: open it read-only (flock(1) habit)
};

// An open directory.  Every operation names an entry *in* it (openat,
// fstatat, unlinkat), so a directory on the way that is swapped for a
// symlink between a check and an act cannot move the act somewhere else.
class Dir {
public:
    Dir() = default;
    ~Dir();
    Dir(Dir &&o) noexcept;
    Dir &operator=(Dir &&o) noexcept;
    Dir(const Dir &) = delete;
    Dir &operator=(const Dir &) = delete;

    // Open the directory `path` names.  Symlinks on the way are followed:
    // the caller chose the path.  FL_ENOENT, FL_EINVAL (not a directory), ...
    static int open(const std::string &path, Dir *out);
    // Open entry `name` as a directory, never following a symlink there.
    // FL_EUNSAFE for a symlink, FL_EINVAL for a non-directory.
    int open_subdir(const std::string &name, Dir *out) const;

    bool valid() const { return fd_ >= 0; }
    void close();
    const std::string &path() const { return path_; }
    std::string entry_path(const std::string &name) const;

    int stat(FileStat *st) const;                               // the directory itself
    int stat_entry(const std::string &name, FileStat *st) const; // lstat of an entry
    // Identity check (A3): 1 when `name` is inode `id` with exactly one link
    // (any number for a directory),
    // 0 when it is missing, another inode or unlinked; *st (optional) gets
    // the entry's stat.  Negative code on other errors.
    int entry_is(const std::string &name, const FileId &id, FileStat *st = nullptr) const;

    // Open a lock file without following a symlink, close-on-exec, never
    // truncating.  What is at `name` is looked at before it is opened: a
    // FIFO, device, directory or symlink is refused with FL_EUNSAFE without
    // being opened, and so is a regular file with more than one link.  On
    // success *st describes the opened file.  The handle is dropped in a
    // forked child (posix_fork.cpp, PROTOCOL I); close it with close_handle().
    int open_lock(const std::string &name, const OpenHow &how, Handle *out, FileStat *st) const;

    // Read at most `cap` bytes (plus one to detect oversize) from the
    // regular file `name` (looked at first, then opened read-only,
    // non-blocking, not following a symlink).  *st describes it; for a
    // non-regular entry *st is filled and FL_EUNSAFE returned.
    int read_small(const std::string &name, size_t cap, std::string *out, FileStat *st) const;

    // unlinkat(name): FL_OK; FL_ENOENT is returned as such (callers decide).
    int remove_entry(const std::string &name) const;

    // The entries of this directory (without "." and "..").
    int list(std::vector<DirEntry> *out) const;

    // A non-blocking exclusive lock attempt on a separate read-only
    // descriptor, released at once: 1 held, 0 not, -1 unknown.
    int probe_held(const std::string &name) const;

private:
    friend struct detail::DirAccess;
    std::intptr_t fd_ = -1;
    std::string path_;
};

// flock(LOCK_EX|LOCK_NB) or LOCK_SH: FL_OK, FL_EBUSY, or a permanent error.
int try_lock(Handle h, bool shared, const std::string &path);

// Blocking flock: FL_OK or a permanent error (EINTR is retried).
int lock_blocking(Handle h, bool shared, const std::string &path);

void unlock(Handle h);
// Whether a removed file's name stays while a handle on it is open: false
// on POSIX (unlink takes the name at once); true on Windows, where a file
// system without POSIX-semantics deletion keeps the name, delete-pending,
// until the last handle closes.  The lock-file engine keeps no handle on a
// removed file where it does.
bool removed_names_linger();
void close_handle(Handle h);  // any handle; one from open_lock() is also forgotten for fork

// lstat(path) into *st: FL_OK, FL_ENOENT, ...
int stat_path(const std::string &path, FileStat *st);
int stat_handle(Handle h, FileStat *st);

// Write the record through the locked handle: pwrite at 0, then ftruncate.
int write_record(Handle h, const std::string &text, const std::string &path);
int chmod_handle(Handle h, uint32_t mode, const std::string &path);

// Read at most `cap` bytes (plus one to detect oversize) from offset 0.
int read_handle(Handle h, size_t cap, std::string *out);

// Read the regular file `path` whole, opened without blocking (a FIFO or a
// device is refused at once, not waited on).  FL_ENOENT, FL_EPERM, FL_EIO;
// FL_EUNSAFE when it is not a regular file (*kind says what it is, e.g.
// "directory"); FL_EINVAL when it holds more than `cap` bytes.
int read_regular_file(const std::string &path, size_t cap, std::string *out, std::string *kind);


// --- held (PROTOCOL F) ------------------------------------------------------

// A snapshot of the lock files some process holds an OS lock on, taken
// without side effects where the system has a table of them (Linux:
// /proc/locks); elsewhere every question is answered by a probe.
class HeldIndex {
public:
    static HeldIndex snapshot();
    HeldIndex(HeldIndex &&) noexcept;
    HeldIndex &operator=(HeldIndex &&) noexcept;
    ~HeldIndex();
    // 1 held, 0 not held, -1 unknown.  May probe with a non-blocking lock on
    // a separate read-only descriptor where the table cannot answer.
    int held(const Dir &dir, const std::string &name, const FileId &id) const;
    bool available() const { return table_ != nullptr; }

    struct Table;  // defined by the platform file that builds it

private:
    HeldIndex() = default;
    std::unique_ptr<Table> table_;
};

// --- libraries loaded on first use -----------------------------------------

// Load a shared library by file name ("libcurl.so.4"); nullptr with *err
// set when it cannot be loaded.  Never unloaded.
void *load_library(const char *name, std::string *err);
// The address of `symbol` in a library from load_library(), or nullptr.
void *library_symbol(void *lib, const char *symbol);

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

// Run `prepare` before a fork() of this process, `parent` and `child` after
// it (pthread_atfork; nothing where processes do not fork).
void at_fork(void (*prepare)(), void (*parent)(), void (*child)());

// --- time -------------------------------------------------------------------

int64_t monotonic_us();
int64_t realtime_ms();

// --- waiting ----------------------------------------------------------------

// A wake-up one thread sends to another's wait (cancellation).  It stays
// signalled until clear(): a signal sent before the wait starts is not lost.
class Wakeup {
public:
    Wakeup();
    ~Wakeup();
    Wakeup(const Wakeup &) = delete;
    Wakeup &operator=(const Wakeup &) = delete;
    void signal();  // any thread, any time
    void clear();
    // Sleep until signalled or `timeout_us` passed; true when signalled.
    bool wait(int64_t timeout_us) const;
    // A descriptor that polls readable while signalled (-1 when there is
    // none), for waits that poll other descriptors too (the etcd watch).
    int fd() const;

    struct Impl;
    const Impl *impl() const { return impl_.get(); }

private:
    std::unique_ptr<Impl> impl_;
};

// Wakes a waiter when a lock file or its directory may have changed.  A hint
// only: callers still poll with a capped backoff.  Without a change
// notification mechanism it only sleeps.
class ChangeWatch {
public:
    // `dir` is the lock file's directory, `file` the lock file's path.
    ChangeWatch(const std::string &dir, const std::string &file);
    ~ChangeWatch();
    ChangeWatch(const ChangeWatch &) = delete;
    ChangeWatch &operator=(const ChangeWatch &) = delete;
    // Re-arm the watch on whatever inode `file` names now.
    void rewatch_file();
    // Sleep until a change, a signal of `wake` (may be null) or `timeout_us`.
    void wait(int64_t timeout_us, const Wakeup *wake = nullptr);

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

// --- paths ------------------------------------------------------------------

// Is `c` a directory separator?
bool is_separator(char c);
// Position of the last separator in `path`, npos when there is none.
size_t last_separator(const std::string &path);
// `dir` and `name` joined by one separator.
std::string join_path(const std::string &dir, const std::string &name);
// Is `path` absolute?
bool is_absolute(const std::string &path);

// --- directories -----------------------------------------------------------

// Real path of a directory (symlinks resolved).
int real_dir(const std::string &path, std::string *out);
std::string current_dir();

int cpu_count();

} // namespace filelock::platform
