// cancel.hpp - a cancellation source (fl_cancel behind the C API): once
// fired, every wait that watches it returns FL_ECANCELED, promptly (its
// sleep is woken), until reset.  Firing is safe from any thread at any time.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>

#include "platform/platform.hpp"

namespace filelock {

class Cancel {
public:
    void fire();
    void reset();
    bool fired() const { return fired_.load(std::memory_order_acquire); }
    // The wake-up a waiter sleeps on, made on first use (a handle that never
    // waits never pays for it).  Signalled already if fired.
    const platform::Wakeup *wakeup();

private:
    std::atomic<bool> fired_{false};
    std::mutex mu_;  // orders fire() against the wake-up's creation
    std::unique_ptr<platform::Wakeup> wake_;
};

} // namespace filelock
