// scan.hpp - find and judge every lock file under a directory (fl_scan).
// Read-only: a scan never creates, modifies, locks or removes anything.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <memory>

#include "file/dir_tree.hpp"
#include "file/stale.hpp"

namespace filelock {

constexpr int64_t kDefaultStaleThresholdMs = 3600 * 1000;

struct ScanOptions {
    bool recursive = true;
    int max_depth = -1;              // deepest directory level listed; -1 unlimited
    bool cross_filesystems = false;  // descend into directories on another st_dev
    int64_t threshold_ms = kDefaultStaleThresholdMs;
    bool dry_run = false;            // cleanup only: judge, remove nothing
    std::string backend;             // fl_scan only: "" lock files, or an etcd:// URL
};

// One problem met on the way; the walk goes on after it.
struct ScanError {
    std::string path;
    std::string message;  // names the path and the OS error text
    int code = 0;         // FL_E*
};

// Where a lock file the scan found sits: its directory in the scan's tree.
struct EntryRef {
    size_t dir_node = DirTree::kRoot;
    std::string name;
};

struct ScanResult {
    std::vector<LockInfo> locks;    // sorted by lock_path
    std::vector<EntryRef> refs;     // refs[i] is where locks[i] sits
    std::vector<ScanError> errors;  // sorted by path
    std::shared_ptr<DirTree> tree;  // the directories walked (cleanup acts through it)
};

// Walk `dir` once and judge every entry named `*.lock`.
//
// What the walk does, and why:
//  - Only `*.lock` names are opened (read-only, PROTOCOL D); other entries
//    cost their directory entry alone, plus an lstat where the file system
//    gives no type or where a directory's st_dev must be compared.
//  - A symlink met during the walk is never followed.  The start directory
//    is the caller's choice, so a symlink there is resolved (as `find -H`).
//  - Directories on another file system (another st_dev) are not entered
//    unless cross_filesystems; a directory seen twice (bind mounts) is
//    entered once.
//  - Non-regular entries named `*.lock` (symlink, FIFO, socket, device,
//    directory) are listed with an invalid record, held -1 and a reason,
//    without being opened.  A directory named `*.lock` is listed that way
//    AND walked like any other directory: what is inside it may well be
//    lock files, and hiding them would make a scan miss stale locks.
//  - Directory levels: the start is level 0; max_depth N lists directories
//    down to level N (recursive = false is max_depth 0).
//  - One held-lock snapshot (PROTOCOL F) is taken for the whole scan, after
//    the walk and before the lock files are read.
//  - Every directory is reached from the start one component at a time,
//    never through a symlink, and must still be the directory it was when
//    first listed (see DirTree).
//  - Unreadable or replaced directories are errors in the result; the scan
//    goes on.  Lock files and directories that vanish during the scan are
//    not errors: holders and cleaners remove lock files all the time.
//
// Returns FL_OK, or a code (message set) when `dir` itself cannot be listed:
// FL_ENOENT, FL_EPERM, FL_EINVAL (not a directory).
// max_depth: >= 0, or -1 for no limit; FL_EINVAL otherwise.
int check_max_depth(int max_depth);

int scan_locks(const std::string &dir, const ScanOptions &opts, ScanResult *out);

// The two halves of scan_locks: the walk, then the judging.  Separate so
// that a test can change the tree between them.
struct FoundEntry {
    std::string path;
    EntryRef ref;
    bool regular = false;    // else `st` (from lstat) says what it is
    platform::FileStat st;
};
struct Walk {
    std::shared_ptr<DirTree> tree = std::make_shared<DirTree>();
    std::vector<FoundEntry> entries;
};
int walk_lock_entries(const std::string &dir, const ScanOptions &opts, Walk *found,
                      std::vector<ScanError> *errors);
void judge_entries(const Walk &found, const ScanOptions &opts, ScanResult *out);

} // namespace filelock
