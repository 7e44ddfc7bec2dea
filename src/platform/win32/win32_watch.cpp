// win32_watch.cpp - waking a waiter with a change notification on the lock
// file's directory (FindFirstChangeNotificationW: names and writes) when a
// lock file may have changed (PROTOCOL B).
#include <algorithm>

#include "win32_detail.hpp"

namespace filelock::platform {

struct ChangeWatch::Impl {
    HANDLE change = INVALID_HANDLE_VALUE;
};

ChangeWatch::ChangeWatch(const std::string &dir, const std::string &) : impl_(std::make_unique<Impl>())
{
    std::wstring w;
    if (detail::win_path(dir.empty() ? std::string(".") : dir, &w) != 0) return;
    impl_->change = FindFirstChangeNotificationW(
        w.c_str(), FALSE, FILE_NOTIFY_CHANGE_FILE_NAME | FILE_NOTIFY_CHANGE_LAST_WRITE | FILE_NOTIFY_CHANGE_SIZE);
}

ChangeWatch::~ChangeWatch()
{
    if (impl_->change != INVALID_HANDLE_VALUE) FindCloseChangeNotification(impl_->change);
}

void ChangeWatch::rewatch_file()
{
    // The watch is on the directory: a new file under the name is seen.
}

void ChangeWatch::wait(int64_t timeout_us, const Wakeup *wake)
{
    if (timeout_us < 0) timeout_us = 0;
    const DWORD ms = static_cast<DWORD>(std::min<int64_t>((timeout_us + 999) / 1000, INFINITE - 1));
    HANDLE hs[2];
    DWORD n = 0;
    if (impl_->change != INVALID_HANDLE_VALUE) hs[n++] = impl_->change;
    if (wake && wake->impl() && wake->impl()->event) hs[n++] = wake->impl()->event;
    if (n == 0) {
        Sleep(ms);
        return;
    }
    DWORD r = WaitForMultipleObjects(n, hs, FALSE, ms);
    // A change: re-arm for the next wait (events in between stay queued).
    if (r == WAIT_OBJECT_0 && impl_->change != INVALID_HANDLE_VALUE) FindNextChangeNotification(impl_->change);
}

} // namespace filelock::platform
