#include "wait.hpp"

#include <algorithm>
#include <climits>

#include "cancel.hpp"
#include "filelock.h"
#include "options.hpp"
#include "platform/platform.hpp"

namespace filelock {

Wait::Wait(int64_t timeout_ms, int64_t poll_cap_ms, Cancel *cancel)
    : forever_(waits_forever(timeout_ms)),
      deadline_us_(forever_ ? INT64_MAX : platform::monotonic_us() + timeout_ms * 1000),
      cap_us_(std::max<int64_t>(1000, poll_cap_ms * 1000)), cancel_(cancel)
{
}

bool Wait::may_block() const
{
    return forever_ && cancel_ == nullptr;
}

int Wait::next()
{
    if (!armed_) {
        armed_ = true;
        if (cancel_) wake_ = cancel_->wakeup();
        return kArm;
    }
    if (cancel_ && cancel_->fired()) return FL_ECANCELED;
    if (platform::monotonic_us() >= deadline_us_) return FL_ETIMEDOUT;
    return FL_OK;
}

int64_t Wait::sleep_us()
{
    int64_t left = deadline_us_ == INT64_MAX ? INT64_MAX : deadline_us_ - platform::monotonic_us();
    int64_t us = std::max<int64_t>(0, std::min(backoff_us_, left));
    backoff_us_ = std::min(backoff_us_ * 2, cap_us_);
    return us;
}

} // namespace filelock
