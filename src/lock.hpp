// lock.hpp - a lock handle (fl_lock behind the C API): reentrancy, fork
// safety, the default timeout, the same-thread guard and the acquire loop,
// on top of whichever LockEngine the options' backend makes.
#pragma once

#include <memory>
#include <string>

#include "engine.hpp"
#include "options.hpp"

namespace filelock {

class Cancel;

class Lock {
public:
    // A lock protecting `target` (the backend derives the lock object).
    static int create(const std::string &target, const Options &opts, std::unique_ptr<Lock> *out);
    // A lock on the object `name` itself (an explicit lock file).
    static int create_explicit(const std::string &name, const Options &opts,
                               std::unique_ptr<Lock> *out);
    ~Lock();

    // FL_WAIT_DEFAULT resolves to the options' timeout.  `cancel`, when
    // given, replaces the options' cancellation source for this call.
    int acquire(int64_t timeout_ms, Cancel *cancel = nullptr);
    int release();
    int held() const;  // 1, 0 (also: lost), FL_EFORKED
    int check();       // fl_lock_check
    int fencing_token(int64_t *out) const;
    const std::string &lock_path() const { return engine_->lock_path(); }
    const std::string &target() const { return target_; }
    const Options &options() const { return opts_; }

private:
    Lock() = default;
    static int make(const std::string &path, const Options &opts, bool explicit_file,
                    std::unique_ptr<Lock> *out);
    bool forked() const;
    int wait_for(int64_t timeout_ms, Cancel *cancel);
    int won();

    std::string target_;
    Options opts_;
    int64_t owner_pid_ = 0;
    int depth_ = 0;
    bool guarded_ = false;  // registered with the same-thread guard
    std::unique_ptr<LockEngine> engine_;
};

} // namespace filelock
