// stale.hpp - read and judge one lock file: record, held, holder, stale
// (PROTOCOL F and G).  Read-only: never creates, modifies or removes.
#pragma once

#include <cstdint>
#include <string>

#include "liveness.hpp"
#include "platform/platform.hpp"
#include "record.hpp"

namespace filelock {

// A clock may step back, and another host's clock differs: a time up to
// this far in the future reads as age 0.  Later than that, or before the
// epoch, a time is impossible and the age unknown.
constexpr int64_t kFutureToleranceMs = 24LL * 3600 * 1000;

// The age at `now_ms` of something dated `t_ms`: false (and *age_ms 0) when
// `t_ms` is impossible; a time up to kFutureToleranceMs ahead is age 0.
bool age_at(int64_t t_ms, int64_t now_ms, int64_t *age_ms);

struct LockInfo {
    std::string lock_path;
    std::string target_path;
    Record record;
    platform::FileStat stat;
    int64_t acquired_ms = 0;  // record's acquired=, else mtime
    int64_t age_ms = 0;       // 0 when !age_known
    bool age_known = true;    // false: acquired_ms is an impossible time
    bool foreign = false;     // content is not a lock record: never ours
    int held = -1;            // 1, 0, -1 unknown
    HolderVerdict verdict;
    bool stale = false;
    std::string reason;
    int64_t fencing_token = -1;  // a leased backend's holder or waiter (etcd)
    int64_t lease_ttl_ms = -1;   // its lease's remaining time to live
};

// Read entry `name` of `dir` and judge it against `threshold_ms`.  `held`
// comes from `index` (take one snapshot per scan).  Errors: FL_ENOENT,
// FL_EUNSAFE (not a regular file: *out still has lock_path, stat and a
// reason), FL_EPERM, FL_EIO.
int inspect_entry(const platform::Dir &dir, const std::string &name, int64_t threshold_ms,
                  const platform::HeldIndex &index, LockInfo *out);

// The same for a path: its directory is opened, then inspect_entry.
int inspect_lock(const std::string &lock_path, int64_t threshold_ms,
                 const platform::HeldIndex &index, LockInfo *out);

// inspect_lock() for one file on its own: takes its own snapshot of held
// locks (a scan takes one for all its files instead).
int inspect_one_lock(const std::string &lock_path, int64_t threshold_ms, LockInfo *out);

// Fill info->record, foreign, acquired_ms, age_ms, age_known from record
// text and info->stat.
void apply_record(LockInfo *info, const std::string &text, int64_t now_ms);

// PROTOCOL G on what `info` holds, with `held` given: sets verdict, stale
// and reason.
void decide_stale(LockInfo *info, int64_t threshold_ms, int held);

} // namespace filelock
