// liveness.hpp - is the holder a record names still running?  (PROTOCOL E)
#pragma once

#include <string>

#include "record.hpp"

namespace filelock {

enum class Holder { Unknown = 0, Alive = 1, Dead = 2 };  // = FL_HOLDER_*

struct HolderVerdict {
    Holder holder = Holder::Unknown;
    bool other_host = false;
    std::string reason;
};

// Judge the holder of a parsed record from this host.  Never signals anyone:
// it uses kill(pid, 0) and /proc only.
HolderVerdict judge_holder(const Record &r);

const char *holder_name(Holder h);

// fl_process_is_running: 1 when `pid` (1 .. 2^31-1) names a running process
// (exited-but-unreaped is not running), 0 when not, FL_EINVAL for a bad pid.
int process_running(int64_t pid);  // "alive", "dead", "unknown"

} // namespace filelock
