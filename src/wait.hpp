// wait.hpp - the waiting policy every wait shares (PROTOCOL B): a deadline,
// a capped exponential backoff, arm-then-recheck, cancellation.  The caller
// owns the attempt and the sleep; Wait says when to arm, whether to go on,
// and how long the next sleep may be.
#pragma once

#include <cstdint>

namespace filelock {

class Cancel;
namespace platform {
class Wakeup;
}

class Wait {
public:
    // timeout_ms < 0 or beyond a century: no limit.  cancel may be null.
    Wait(int64_t timeout_ms, int64_t poll_cap_ms, Cancel *cancel);

    // No deadline and nothing can cancel: the caller may block in the OS.
    bool may_block() const;

    // After an attempt found the lock busy.  kArm the first time: arm the
    // change notification and try once more before sleeping.  Later:
    // FL_ECANCELED, FL_ETIMEDOUT, or FL_OK (sleep for sleep_us(), then try).
    static constexpr int kArm = 1;
    int next();

    // The next sleep: the backoff (1 ms doubling to the cap), never past
    // the deadline.
    int64_t sleep_us();

    // What wakes the sleep early on cancellation (null without a cancel).
    const platform::Wakeup *wakeup() const { return wake_; }

private:
    bool forever_;
    int64_t deadline_us_;
    int64_t cap_us_;
    int64_t backoff_us_ = 1000;
    bool armed_ = false;
    Cancel *cancel_;
    const platform::Wakeup *wake_ = nullptr;
};

} // namespace filelock
