// query.hpp - questions about a lock file that never create, modify or
// remove anything: is it locked, who holds it, wait until it is free.
#pragma once

#include <cstdint>
#include <string>

namespace filelock {

// 1 locked, 0 not (also when the file does not exist), negative code.
int is_locked(const std::string &lock_path);

class Cancel;

// FL_OK once not locked, FL_ETIMEDOUT, FL_ECANCELED (`cancel` fired; may be
// null), or a negative code.
int wait_released(const std::string &lock_path, int64_t timeout_ms, int64_t poll_cap_ms,
                  Cancel *cancel = nullptr);

// FL_OK with *pid (0 when the record has no valid PID), or a negative code.
int holder_pid(const std::string &lock_path, int64_t *pid);

// Queries given the wrong kind of path.  check_target_query: FL_EINVAL when
// `target` (whose derived lock path is `lock_path`) ends in ".lock", its own
// lock file does not exist, and it is itself a lock file (a record, or held
// now).  check_lock_path_query: FL_EINVAL when `lock_path` does not end in
// ".lock", `lock_path`.lock is a regular file, and `lock_path` itself is no
// lock file (missing, or data).  FL_OK otherwise.
int check_target_query(const std::string &target, const std::string &lock_path);
int check_lock_path_query(const std::string &lock_path);

} // namespace filelock
