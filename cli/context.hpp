// context.hpp - what every subcommand shares: exit codes, the global options,
// the loaded configuration, and messages on stderr.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "filelock.h"

namespace flcli {

// Exit statuses of the tool.  `run` passes its COMMAND's status through, so
// these sit where ordinary commands rarely go (sysexits.h, shell 126/127).
enum Exit : int {
    kExitOk = 0,
    kExitPartial = 1,      // finished, but something in it did not succeed
    kExitUsage = 64,       // EX_USAGE: bad command line
    kExitNoInput = 66,     // EX_NOINPUT: a named file or directory does not exist
    kExitUnavailable = 69, // EX_UNAVAILABLE: the lock service (etcd) cannot be reached
    kExitSoftware = 70,    // EX_SOFTWARE: internal error
    kExitError = 71,       // EX_OSERR: lock/file/system error
    kExitTimeout = 75,     // EX_TEMPFAIL: lock busy or timed out: try again later
    kExitConfig = 78,      // EX_CONFIG: bad configuration file or value
    kExitCannotRun = 126,  // COMMAND found but could not be started
    kExitNotFound = 127,   // COMMAND not found
};

struct GlobalOptions {
    std::string config_path;  // --config; empty = discovery (find_config)
    int verbose = 0;          // -v count
    bool quiet = false;
    std::string color = "auto";  // --color: auto, always, never
};

// Where the configuration file comes from, first found wins: --config,
// $FILELOCK_CONFIG (both must exist), $XDG_CONFIG_HOME/filelock/config.yaml
// (or ~/.config/filelock/config.yaml), /etc/filelock/config.yaml.
struct ConfigSource {
    std::string path;                  // "" when none was found
    std::string how;                   // "--config", "$FILELOCK_CONFIG", "user", "system"
    std::vector<std::string> searched; // every place looked at, in order
};
ConfigSource find_config(const GlobalOptions &g);

// Owns the fl_config that every subcommand reads its defaults from.
class Config {
public:
    Config() = default;
    ~Config();
    Config(const Config &) = delete;
    Config &operator=(const Config &) = delete;

    // fl_config_load_file (or fl_config_new without --config).  Returns an
    // exit code, after printing why on failure.
    int load(const GlobalOptions &g);
    fl_config *get() const { return cfg_; }
    const ConfigSource &source() const { return source_; }

    std::optional<std::string> value(const char *key) const;
    bool flag(const char *key, bool fallback) const;
    // A duration key (seconds or hours) in milliseconds.
    int64_t millis(const char *key, int64_t fallback) const;
    // An explicit flag overriding a key; returns an exit code (64 on a bad value).
    int set(const char *key, const std::string &value, const char *flag_name);

private:
    fl_config *cfg_ = nullptr;
    ConfigSource source_;
};

struct Context {
    GlobalOptions g;
    Config cfg;
    bool colour_out = false;  // stdout is a terminal and NO_COLOR is unset
    bool colour_err = false;  // the same for stderr
    std::string command;      // the subcommand, for message prefixes
};

// Route library messages to stderr with our prefix, at the level -v/-q ask.
void setup_logging(const Context &ctx);

// "filelock: <command>: <text>" on stderr.  note() is silent with --quiet,
// detail() needs --verbose.
void error(const Context &ctx, const std::string &text);
void warn(const Context &ctx, const std::string &text);
void note(const Context &ctx, const std::string &text);
void detail(const Context &ctx, const std::string &text);

// The library's explanation of the last failure (never empty).
std::string last_error(int code);

// FL_E* -> exit status.
int exit_for(int code);

// error(ctx, last_error(code)), then exit_for(code).
int fail(const Context &ctx, int code);

// The timeout a subcommand uses: --timeout if given, else timeout_seconds.
int resolve_timeout(Context &ctx, const std::string &flag_text, int64_t *ms);

// The stale threshold: --max-age-hours if given, else stale_threshold_hours.
int resolve_threshold(Context &ctx, const std::optional<double> &hours, int64_t *ms);

// The start-of-run cleanup (run --clean-stale; batch with the config's
// cleanup_stale_locks): remove stale lock files once from the working
// directory and from the directories holding the targets' lock files
// (fl_cleanup_for_targets), and say on stderr what was removed (one line,
// not with --quiet; each file with --verbose).
void cleanup_at_start(Context &ctx, const std::vector<std::string> &targets, const fl_options *opts);

} // namespace flcli
