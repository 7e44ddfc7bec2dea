#include "error.hpp"


namespace filelock {

namespace {
thread_local std::string t_last_error;
thread_local int t_os_error = 0;
}

int fail(int code, std::string message)
{
    t_last_error = std::move(message);
    t_os_error = 0;
    return code;
}

int fail_os(int code, int err, std::string message)
{
    t_last_error = std::move(message);
    t_os_error = err;
    return code;
}

int refail(int code, std::string message)
{
    t_last_error = std::move(message);
    return code;
}

int last_os_error()
{
    return t_os_error;
}

void clear_error()
{
    if (!t_last_error.empty())
        t_last_error.clear();
    t_os_error = 0;
}

const std::string &last_error()
{
    return t_last_error;
}

} // namespace filelock
