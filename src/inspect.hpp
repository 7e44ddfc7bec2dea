// inspect.hpp - read and judge one lock file: record, held, holder, stale
// (PROTOCOL F and G).  Read-only: never creates, modifies or removes.
#pragma once

#include <cstdint>
#include <string>

#include "liveness.hpp"
#include "platform/platform.hpp"
#include "record.hpp"

namespace filelock {

struct LockInfo {
    std::string lock_path;
    std::string target_path;
    Record record;
    platform::FileStat stat;
    int64_t acquired_ms = 0;  // record's acquired=, else mtime
    int64_t age_ms = 0;
    int held = -1;            // 1, 0, -1 unknown
    HolderVerdict verdict;
    bool stale = false;
    std::string reason;
};

// Read `lock_path` and judge it against `threshold_ms`.  `held` comes from
// `index` (take one snapshot per scan).  Errors: FL_ENOENT, FL_EUNSAFE (not a
// regular file: *out still has lock_path, stat and a reason), FL_EPERM, FL_EIO.
int inspect_lock(const std::string &lock_path, int64_t threshold_ms,
                 const platform::HeldIndex &index, LockInfo *out);

// Fill info->record, acquired_ms, age_ms from record text and stat.
void apply_record(LockInfo *info, const std::string &text, int64_t now_ms);

// PROTOCOL G on what `info` holds, with `held` given: sets verdict, stale
// and reason.
void decide_stale(LockInfo *info, int64_t threshold_ms, int held);

} // namespace filelock
