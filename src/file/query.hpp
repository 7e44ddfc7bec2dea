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

} // namespace filelock
