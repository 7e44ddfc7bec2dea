// posix_watch.cpp - waiting where the system offers no change notification
// this library uses: the wait only sleeps (or returns when woken), and the
// caller's capped backoff does the rest.
#include "platform.hpp"

#include <poll.h>

#include <cerrno>
#include <ctime>

#include "posix_detail.hpp"

namespace filelock::platform {

struct ChangeWatch::Impl {};

ChangeWatch::ChangeWatch(const std::string &, const std::string &) {}

ChangeWatch::~ChangeWatch() = default;

void ChangeWatch::rewatch_file() {}

void ChangeWatch::wait(int64_t timeout_us, const Wakeup *wake)
{
    if (timeout_us < 0) timeout_us = 0;
    struct timespec ts;
    ts.tv_sec = static_cast<time_t>(timeout_us / 1000000);
    ts.tv_nsec = static_cast<long>((timeout_us % 1000000) * 1000);
    struct pollfd p = {detail::wakeup_fd(wake), POLLIN, 0};
    ::ppoll(&p, p.fd >= 0 ? 1 : 0, &ts, nullptr);  // a signal only ends the sleep early
}

} // namespace filelock::platform
