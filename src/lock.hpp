// lock.hpp - a lock handle: reentrancy, fork safety and the default timeout
// on top of a LockEngine (fl_lock behind the C API).
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "engine.hpp"
#include "options.hpp"

namespace filelock {

class Lock {
public:
    // Validates the target and derives the lock path; see paths.hpp.
    static int create(const std::string &target, const Options &opts, std::unique_ptr<Lock> *out);
    ~Lock();

    // FL_WAIT_DEFAULT resolves to the options' timeout.
    int acquire(int64_t timeout_ms, const std::atomic<bool> *cancel = nullptr);
    int release();
    int held() const;  // 1, 0, FL_EFORKED
    const std::string &lock_path() const { return engine_->lock_path(); }
    const std::string &target() const { return target_; }
    const Options &options() const { return opts_; }

private:
    Lock() = default;
    bool forked() const;

    std::string target_;
    Options opts_;
    int64_t owner_pid_ = 0;
    int depth_ = 0;
    std::unique_ptr<LockEngine> engine_;
};

} // namespace filelock
