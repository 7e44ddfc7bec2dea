// posix_error.cpp - errno values as FL_E* codes and messages.
#include <cerrno>
#include <cstring>

#include "error.hpp"
#include "filelock.h"
#include "posix_detail.hpp"

namespace filelock {

int code_from_errno(int err)
{
    switch (err) {
    case 0: return FL_OK;
    case EWOULDBLOCK: return FL_EBUSY;
    case ENOENT:
    case ENOTDIR: return FL_ENOENT;
    case EACCES:
    case EPERM:
    case EROFS: return FL_EPERM;
    case ELOOP:
    case EISDIR:
    case ENXIO:
    case ENODEV: return FL_EUNSAFE;
    case ENOLCK:
    case ENOTSUP:
    case ENOSYS: return FL_ENOTSUP;
    case ENOMEM: return FL_ENOMEM;
    case EINVAL: return FL_EINVAL;
    // The file system refusing a name is a file error, not a bad argument:
    // "x" is a fine target whose lock file name may still be too long.
    case ENAMETOOLONG: return FL_EIO;
    default: return FL_EIO;
    }
}

std::string os_error_text(int err)
{
    char buf[256];
    // GNU strerror_r returns the message pointer (may not use buf).
    const char *text = strerror_r(err, buf, sizeof buf);
    return text ? std::string(text) : std::string("errno ") + std::to_string(err);
}

int fail_errno(int err, std::string_view what, std::string_view path)
{
    std::string msg;
    msg.reserve(what.size() + path.size() + 64);
    msg.append(what).append(" ").append(path).append(": ").append(os_error_text(err));
    return fail_os(code_from_errno(err), err, std::move(msg));
}

} // namespace filelock
