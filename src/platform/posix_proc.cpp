// posix_proc.cpp - process liveness where there is no /proc: kill(pid, 0)
// tells existence only.  No boot id, PID namespace or start token is known,
// so records carry none and a reused PID reads as alive (PROTOCOL E: alive
// is the safe answer).
#include "platform.hpp"

#include <signal.h>

#include <cerrno>
#include <cstdint>

namespace filelock::platform {

const std::string &boot_id()
{
    static const std::string none;
    return none;
}

const std::string &pid_namespace()
{
    static const std::string none;
    return none;
}

int64_t self_start_token()
{
    return -1;
}

ProcessState process_state(int64_t pid)
{
    ProcessState ps;
    if (pid < 1 || pid > INT32_MAX) return ps;
    if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno != EPERM) return ps;
    ps.exists = true;
    return ps;
}

} // namespace filelock::platform
