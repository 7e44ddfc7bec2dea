// config.hpp - the `file_locking:` section of a YAML config file (the seed's
// keys, plus what the library now offers), with its defaults and sources:
// built-in defaults < file < FILELOCK_* environment < explicit config_set().
//
// Every loader and setter here is all-or-nothing: it works on a copy and
// writes its result only on success, so a failure leaves the caller's Config
// exactly as it was.  Failures return FL_ECONFIG (or FL_ENOENT / FL_EPERM for
// an unreadable file) with the last-error message naming the source: file,
// line and column for YAML, the variable for the environment.
// docs/config.md is the user-facing reference for keys, bounds and formats.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "options.hpp"

namespace filelock {

struct Config {
    // The original system's keys and defaults.
    bool enabled = true;                 // false: run work without locking
    int64_t timeout_ms = 30000;          // timeout_seconds: one acquisition's wait
    int64_t retry_attempts = 3;          // further attempts after a timeout
    int64_t retry_delay_ms = 2000;       // retry_delay_seconds
    bool cleanup_stale_locks = true;     // clean stale locks once at batch/CLI start
    int64_t stale_threshold_ms = 3600000;  // stale_threshold_hours
    // What the library adds.
    int64_t poll_interval_ms = 500;      // poll_interval_seconds
    bool remove_lock_files = true;       // remove vs keep lock files on release
    uint32_t lock_file_mode = 0644;      // lock_file_mode (octal)
    bool lock_file_mode_set = false;     // false: 0644 less umask, no fchmod
    std::string lock_directory;          // "" = beside each target
    bool shared = false;                 // shared (read) locks
    std::string tag;                     // label written to records
    std::string backend;                 // "" lock files, or an etcd:// URL
    int64_t lease_ttl_ms = 10000;        // lease_ttl_seconds (etcd)

    // Lock options carrying this config's lock settings.
    Options to_options() const;
};

// Upper bounds, in each key's own unit.  They exist to catch typos and unit
// mistakes (milliseconds written as seconds), not to restrict real use.
constexpr double kMaxTimeoutSeconds = 604800;     // 1 week
constexpr double kMaxRetryDelaySeconds = 86400;   // 1 day
constexpr double kMaxStaleThresholdHours = 8760;  // 1 year
constexpr double kMaxPollIntervalSeconds = 3600;  // check_poll_interval_ms
constexpr double kMaxLeaseTtlSeconds = 86400;     // check_lease_ttl_ms
constexpr int64_t kMaxRetryAttempts = 1000;

// Name of the section inside a (possibly larger) YAML document.
constexpr std::string_view kConfigSection = "file_locking";

// Flags of the loaders: the public FL_CONFIG_* values.
constexpr uint32_t kConfigIgnoreEnv = 1u;

// The largest config file read (1 MiB).
constexpr size_t kMaxConfigBytes = 1u << 20;

// The keys of the section, in documentation order.
const std::vector<std::string_view> &config_keys();

// Defaults, then the section of `yaml` (`name` stands for the file in
// messages), then the environment unless kConfigIgnoreEnv.
int config_load_string(std::string_view yaml, const std::string &name, uint32_t flags,
                       Config *out);

// As config_load_string() for the file at `path`.  A missing file is
// FL_ENOENT, an unreadable one FL_EPERM, a directory FL_ECONFIG.
int config_load_file(const std::string &path, uint32_t flags, Config *out);

// Apply every FILELOCK_<KEY> variable that is set and non-empty.
int config_apply_env(Config *cfg);

// Set one key from text: a YAML scalar for booleans, numbers and the mode;
// taken verbatim for lock_directory and tag.
int config_set(Config *cfg, std::string_view key, std::string_view value);

// The text config_set() would accept to reproduce the current value.
int config_get(const Config &cfg, std::string_view key, std::string *out);

// A duration key in milliseconds; a boolean key.  FL_ECONFIG for an
// unknown key or one of another kind.
int config_get_ms(const Config &cfg, std::string_view key, int64_t *out);
int config_get_bool(const Config &cfg, std::string_view key, bool *out);

// Seconds as the configuration reads numbers (decimal, fractions, no hex
// or units) into milliseconds; with `allow_forever`, "inf" (also infinity,
// forever, none, -1) and more than a century give FL_WAIT_FOREVER.
// FL_ECONFIG with a message otherwise.
int parse_seconds(std::string_view text, bool allow_forever, int64_t *ms);

// The known key closest to `unknown` by edit distance, or "" when none is
// close enough to be a plausible typo.
std::string_view suggest_key(std::string_view unknown);

} // namespace filelock
