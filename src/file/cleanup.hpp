// cleanup.hpp - remove stale lock files, safely against concurrent
// acquirers and other cleaners (PROTOCOL H).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "file/stale.hpp"
#include "file/scan.hpp"
#include "platform/platform.hpp"

namespace filelock {

// PROTOCOL H on one lock file: open without creating, take the OS lock
// without waiting, check identity, re-read the record through the
// descriptor and re-decide G with held = false, and only then unlink while
// holding.  A dry run stops before the unlink.
//
// Returns 1 when the file was removed (dry run: would be), 0 when it was
// left alone because it is not stale, is held, was replaced or is already
// gone (someone else got there first: not an error), or a negative code:
// FL_EUNSAFE for anything that is not a regular file of at most 4096 bytes,
// FL_EPERM, FL_EIO, FL_ENOTSUP.  `info` receives the judgement (its reason
// says why a file was left alone); for a removed file it is the decision
// made while holding the lock.
int remove_if_stale(const std::string &lock_path, int64_t threshold_ms, bool dry_run,
                    LockInfo *info);

// remove_if_stale in its two parts: H1 (open), then H2..H5 on the opened
// descriptor, so that a test can replace the file between them.  Every step
// names the file inside one open directory (the one checked is the one the
// file is removed from).  The descriptor is unlocked and closed when the
// object goes.
class StaleCandidate {
public:
    StaleCandidate() = default;
    StaleCandidate(const StaleCandidate &) = delete;
    StaleCandidate &operator=(const StaleCandidate &) = delete;
    ~StaleCandidate();

    // H1 on entry `name` of `dir`, which must outlive this object.  1
    // opened; 0 already gone (reason in *info); or a negative code as
    // remove_if_stale.
    int open(const platform::Dir &dir, const std::string &name, LockInfo *info);
    // H1 on a path: its directory is opened and kept by this object.
    int open(const std::string &lock_path, LockInfo *info);
    // H2..H5 after a successful open(); returns as remove_if_stale.
    int remove_if_stale(int64_t threshold_ms, bool dry_run, LockInfo *info);

private:
    platform::Dir own_dir_;
    const platform::Dir *dir_ = nullptr;
    std::string name_;
    std::string path_;
    platform::Handle h_ = platform::kInvalid;
    platform::FileId id_;
    bool locked_ = false;
};

struct CleanReport {
    std::vector<LockInfo> removed;  // removed (dry run: would be), by lock_path
    std::vector<ScanError> errors;  // by path
    bool dry_run = false;
};

// Scan `dir` with `opts` (see scan_locks) and run remove_if_stale on every
// lock file the scan judged stale.  Files the scan did not judge stale are
// never opened for writing.  Files and directories that vanish during the
// walk are not errors here: a cleaner expects others to remove lock files.
// Returns FL_OK or a code for `dir` itself.
int cleanup_stale_locks(const std::string &dir, const ScanOptions &opts, CleanReport *out);

// The second half of cleanup_stale_locks, on a finished scan of it.
void remove_stale(ScanResult scan, const ScanOptions &opts, CleanReport *out);

} // namespace filelock

namespace filelock {

struct Options;

// Start-of-run cleanup (the original system's rule) for locks on `targets`:
// the working directory and every directory that holds one of their lock
// files (the lock directory, or each target's own directory), each without
// descending, so a run started from $HOME never walks the whole tree.
// Directories that cannot be scanned are reported in out->errors, not
// returned: a stale lock file never blocks an acquire, it is only litter.
void cleanup_for_targets(const std::vector<std::string> &targets, const Options &opts,
                         int64_t threshold_ms, CleanReport *out);

} // namespace filelock
