// options.hpp - what a lock handle is configured with (fl_options behind the C API).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace filelock {

// A timeout beyond a century is no limit: deadlines computed from larger
// values would overflow.
constexpr int64_t kForeverBeyondMs = 100LL * 36525 * 24 * 3600 * 10;  // 100 years

// Does `timeout_ms` (< 0 = no limit) mean waiting without a limit?
inline bool waits_forever(int64_t timeout_ms)
{
    return timeout_ms < 0 || timeout_ms > kForeverBeyondMs;
}

class Cancel;

// What the lock-file backend alone reads.
struct FileOptions {
    bool remove_on_release = true;
    bool remove_chosen = false;      // set explicitly (an explicit lock file keeps by default)
    uint32_t create_mode = 0644;     // open(2) mode for a created file (umask applies)
    bool mode_explicit = false;      // also fchmod to create_mode after locking
    bool write_record = true;        // false: the lock file stays empty (no PID record)
    std::string lock_dir;            // "" = beside the target
};

// Called from the renewal thread when a leased lock is lost (etcd).
using LostCallback = void (*)(const char *lock_path, int64_t fencing_token, void *user_data);

// What the etcd backend alone reads.
struct LeaseOptions {
    int64_t ttl_ms = 10000;          // rounded up to whole seconds
    LostCallback lost_cb = nullptr;
    void *lost_data = nullptr;
};

struct Options {
    // Engine-neutral.
    int64_t timeout_ms = 30000;      // FL_WAIT_DEFAULT resolves to this
    int64_t poll_interval_ms = 500;  // cap of the waiting backoff
    bool shared = false;
    std::string tag;                 // record `tag=`
    bool deadlock_check = true;      // FL_EDEADLK for a second handle on the same OS thread
    std::string backend;             // "", "file" or an etcd:// URL; see engine.hpp
    std::shared_ptr<Cancel> cancel;  // fired: waits return FL_ECANCELED
    bool defer_path_errors = false;  // explicit lock file: report path errors at acquire
    // The lock-file backend.
    FileOptions file;
    // The etcd backend.
    LeaseOptions lease;
};

// Validation shared by the C setters and the config loader.  Each returns
// FL_OK or FL_EINVAL with the last-error message set.
int check_timeout_ms(int64_t timeout_ms);
int check_poll_interval_ms(int64_t interval_ms);
int check_file_mode(int64_t mode);
int check_tag(const std::string &tag);  // <= 256 bytes, no control characters

int check_threshold_ms(int64_t threshold_ms);  // stale threshold: >= 0
int check_lease_ttl_ms(int64_t ttl_ms);        // 1 s .. 1 day

// A directory path without trailing separators ("/" stays "/").
std::string normalise_dir(std::string dir);

} // namespace filelock
