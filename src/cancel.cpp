#include "cancel.hpp"

namespace filelock {

void Cancel::fire()
{
    std::lock_guard<std::mutex> g(mu_);
    fired_.store(true, std::memory_order_release);
    if (wake_) wake_->signal();
}

void Cancel::reset()
{
    std::lock_guard<std::mutex> g(mu_);
    fired_.store(false, std::memory_order_release);
    if (wake_) wake_->clear();
}

const platform::Wakeup *Cancel::wakeup()
{
    std::lock_guard<std::mutex> g(mu_);
    if (!wake_) {
        wake_ = std::make_unique<platform::Wakeup>();
        if (fired_.load(std::memory_order_relaxed)) wake_->signal();
    }
    return wake_.get();
}

} // namespace filelock
