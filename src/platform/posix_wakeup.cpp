// posix_wakeup.cpp - cross-thread wake-ups as a non-blocking pipe: signal()
// writes a byte, which keeps the read end readable (for poll) until clear().
#include "platform.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>

#include "posix_detail.hpp"

namespace filelock::platform {

Wakeup::Wakeup() : impl_(std::make_unique<Impl>())
{
    int p[2];
    if (::pipe2(p, O_CLOEXEC | O_NONBLOCK) == 0) {
        impl_->rd = p[0];
        impl_->wr = p[1];
    }
}

Wakeup::~Wakeup()
{
    if (impl_->rd >= 0) ::close(impl_->rd);
    if (impl_->wr >= 0) ::close(impl_->wr);
}

void Wakeup::signal()
{
    if (impl_->wr < 0) return;
    const char b = 1;
    ssize_t n;
    do {
        n = ::write(impl_->wr, &b, 1);
    } while (n < 0 && errno == EINTR);  // EAGAIN: the pipe is full, so already readable
}

void Wakeup::clear()
{
    if (impl_->rd < 0) return;
    char buf[64];
    while (::read(impl_->rd, buf, sizeof buf) > 0) {
    }
}

bool Wakeup::wait(int64_t timeout_us) const
{
    if (timeout_us < 0) timeout_us = 0;
    struct timespec ts;
    ts.tv_sec = static_cast<time_t>(timeout_us / 1000000);
    ts.tv_nsec = static_cast<long>((timeout_us % 1000000) * 1000);
    if (impl_->rd < 0) {  // no pipe (descriptors exhausted): sleep only
        while (::nanosleep(&ts, &ts) != 0 && errno == EINTR) {
        }
        return false;
    }
    struct pollfd p = {impl_->rd, POLLIN, 0};
    int n = ::ppoll(&p, 1, &ts, nullptr);
    return n > 0;
}

int Wakeup::fd() const
{
    return impl_->rd;
}

} // namespace filelock::platform
