#include "liveness.hpp"

#include "error.hpp"

#include "platform/platform.hpp"

namespace filelock {

const char *holder_name(Holder h)
{
    switch (h) {
    case Holder::Alive: return "alive";
    case Holder::Dead: return "dead";
    default: return "unknown";
    }
}

HolderVerdict judge_holder(const Record &r)
{
    HolderVerdict v;
    const std::string pid = std::to_string(r.pid);
    if (!r.valid) {
        v.reason = "record is not readable as a lock record (" + r.problem + ")";
        return v;
    }
    if (!r.host.empty() && r.host != platform::host_name()) {
        v.other_host = true;
        v.reason = "holder pid " + pid + " is on another host (" + r.host + ")";
        return v;
    }
    if (!r.boot.empty() && !platform::boot_id().empty() && r.boot != platform::boot_id()) {
        v.holder = Holder::Dead;
        v.reason = "holder pid " + pid + " ran before this host last booted";
        return v;
    }
    if (!r.pidns.empty() && !platform::pid_namespace().empty() &&
        r.pidns != platform::pid_namespace()) {
        v.reason = "holder pid " + pid + " is in another PID namespace (container)";
        return v;
    }
    platform::ProcessState ps = platform::process_state(r.pid);
    if (!ps.exists) {
        v.holder = Holder::Dead;
        v.reason = "holder pid " + pid + " is not running";
        return v;
    }
    if (ps.zombie) {
        v.holder = Holder::Dead;
        v.reason = "holder pid " + pid + " has exited (zombie)";
        return v;
    }
    if (r.start >= 0 && ps.start_token >= 0 && r.start != ps.start_token) {
        v.holder = Holder::Dead;
        v.reason = "pid " + pid + " now belongs to another process (start token " +
                   std::to_string(ps.start_token) + ", recorded " + std::to_string(r.start) + ")";
        return v;
    }
    v.holder = Holder::Alive;
    v.reason = "holder pid " + pid + " is running";
    return v;
}

int process_running(int64_t pid)
{
    if (pid < 1 || pid > 2147483647) return fail(FL_EINVAL, "pid must be in 1 .. 2^31-1");
    platform::ProcessState ps = platform::process_state(pid);
    return ps.exists && !ps.zombie ? 1 : 0;
}

} // namespace filelock
