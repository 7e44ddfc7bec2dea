// dir.cpp - what every platform's Dir shares: ownership of its handle (one
// owner, moved, closed when dropped) and the paths of its entries.  The
// acts on entries are the platform files' (posix_dir.cpp, win32/win32_dir.cpp).
#include "platform.hpp"

namespace filelock::platform {

Dir::~Dir()
{
    close();
}

Dir::Dir(Dir &&o) noexcept : fd_(o.fd_), path_(std::move(o.path_))
{
    o.fd_ = -1;
}

Dir &Dir::operator=(Dir &&o) noexcept
{
    if (this != &o) {
        close();
        fd_ = o.fd_;
        path_ = std::move(o.path_);
        o.fd_ = -1;
    }
    return *this;
}

std::string Dir::entry_path(const std::string &name) const
{
    return path_.empty() ? name : join_path(path_, name);
}

} // namespace filelock::platform
