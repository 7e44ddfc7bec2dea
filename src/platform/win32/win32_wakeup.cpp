// win32_wakeup.cpp - cross-thread wake-ups as a manual-reset event: set by
// signal(), waited on with the change notification, reset by clear().
#include "win32_detail.hpp"

namespace filelock::platform {

Wakeup::Wakeup() : impl_(std::make_unique<Impl>())
{
    impl_->event = CreateEventW(nullptr, TRUE, FALSE, nullptr);
}

Wakeup::~Wakeup()
{
    if (impl_->event) CloseHandle(impl_->event);
}

void Wakeup::signal()
{
    if (impl_->event) SetEvent(impl_->event);
}

void Wakeup::clear()
{
    if (impl_->event) ResetEvent(impl_->event);
}

bool Wakeup::wait(int64_t timeout_us) const
{
    if (timeout_us < 0) timeout_us = 0;
    const DWORD ms = static_cast<DWORD>(std::min<int64_t>((timeout_us + 999) / 1000, INFINITE - 1));
    if (!impl_->event) {
        Sleep(ms);
        return false;
    }
    return WaitForSingleObject(impl_->event, ms) == WAIT_OBJECT_0;
}

int Wakeup::fd() const
{
    return -1;  // no descriptor: the event handle is waited on instead
}

} // namespace filelock::platform
