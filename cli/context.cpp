// context.cpp - configuration, messages and the small conversions every
// subcommand needs.
#include "context.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "filelock.hpp"
#include "output.hpp"

namespace flcli {

Config::~Config()
{
    fl_config_free(cfg_);
}

ConfigSource find_config(const GlobalOptions &g)
{
    ConfigSource s;
    if (!g.config_path.empty()) {
        s.searched.push_back(g.config_path);
        s.path = g.config_path, s.how = "--config";
        return s;
    }
    const char *env = std::getenv("FILELOCK_CONFIG");
    if (env && *env) {
        s.searched.push_back(env);
        s.path = env, s.how = "$FILELOCK_CONFIG";
        return s;
    }
    std::string user, system = "/etc/filelock/config.yaml";
#if defined(_WIN32)
    // %APPDATA%\filelock\config.yaml, then %PROGRAMDATA%\filelock\config.yaml.
    const char *appdata = std::getenv("APPDATA");
    const char *programdata = std::getenv("PROGRAMDATA");
    if (appdata && *appdata) user = std::string(appdata) + "\\filelock\\config.yaml";
    system = programdata && *programdata ? std::string(programdata) + "\\filelock\\config.yaml" : "";
#else
    const char *xdg = std::getenv("XDG_CONFIG_HOME");
    const char *home = std::getenv("HOME");
    if (xdg && *xdg == '/') user = std::string(xdg) + "/filelock/config.yaml";
    else if (home && *home) user = std::string(home) + "/.config/filelock/config.yaml";
#endif
    for (const auto &[path, how] : {std::pair<std::string, const char *>{user, "user"},
                                    {system, "system"}}) {
        if (path.empty()) continue;
        s.searched.push_back(path);
        struct stat st;
        if (::stat(path.c_str(), &st) == 0) {
            s.path = path, s.how = how;
            return s;
        }
    }
    return s;
}

int Config::load(const GlobalOptions &g)
{
    fl_config_free(cfg_);
    cfg_ = nullptr;
    source_ = find_config(g);
    int rc = source_.path.empty() ? fl_config_new(&cfg_, 0)
                                  : fl_config_load_file(&cfg_, source_.path.c_str(), 0);
    if (rc == FL_OK) return kExitOk;
    std::string where = source_.path.empty() ? "FILELOCK_* environment" : source_.path + " (" + source_.how + ")";
    std::fprintf(stderr, "filelock: configuration (%s): %s\n", printable(where).c_str(),
                 printable(last_error(rc)).c_str());
    return rc == FL_ENOENT || rc == FL_EPERM || rc == FL_ECONFIG ? kExitConfig : exit_for(rc);
}

std::optional<std::string> Config::value(const char *key) const
{
    char *out = nullptr;
    if (!cfg_ || fl_config_get(cfg_, key, &out) != FL_OK || !out) return std::nullopt;
    std::string s(out);
    fl_free(out);
    return s;
}

bool Config::flag(const char *key, bool fallback) const
{
    int b = 0;
    if (!cfg_ || fl_config_get_bool(cfg_, key, &b) != FL_OK) return fallback;
    return b != 0;
}

int64_t Config::millis(const char *key, int64_t fallback) const
{
    int64_t ms = 0;
    if (!cfg_ || fl_config_get_ms(cfg_, key, &ms) != FL_OK) return fallback;
    return ms;
}

int Config::set(const char *key, const std::string &value, const char *flag_name)
{
    if (fl_config_set(cfg_, key, value.c_str()) == FL_OK) return kExitOk;
    std::fprintf(stderr, "filelock: %s %s: %s\n", flag_name, printable(value).c_str(),
                 printable(last_error(FL_ECONFIG)).c_str());
    return kExitUsage;
}

namespace {

const char *level_name(int level)
{
    switch (level) {
    case FL_LOG_TRACE: return "trace";
    case FL_LOG_DEBUG: return "debug";
    case FL_LOG_INFO: return "info";
    case FL_LOG_WARN: return "warning";
    default: return "error";
    }
}

void log_to_stderr(int level, const char *message, void *)
{
    // One fprintf per message: lines from worker threads do not interleave.
    std::fprintf(stderr, "filelock: [%s] %s\n", level_name(level), printable(message).c_str());
}

void say(const Context &ctx, const char *label, const char *sgr, const std::string &text)
{
    std::string prefix = "filelock: ";
    if (!ctx.command.empty()) prefix += ctx.command + ": ";
    std::string tag = label ? paint(ctx.colour_err, sgr, label) + ": " : "";
    std::fprintf(stderr, "%s%s%s\n", prefix.c_str(), tag.c_str(), printable(text).c_str());
}

} // namespace

void setup_logging(const Context &ctx)
{
    int level = ctx.g.quiet ? FL_LOG_ERROR
                : ctx.g.verbose >= 2 ? FL_LOG_DEBUG
                : ctx.g.verbose == 1 ? FL_LOG_INFO
                                     : FL_LOG_WARN;
    fl_log_set_level(level);
    fl_log_set_callback(log_to_stderr, nullptr);
}

void error(const Context &ctx, const std::string &text)
{
    say(ctx, "error", sgr::kRed, text);
}

void warn(const Context &ctx, const std::string &text)
{
    say(ctx, "warning", sgr::kYellow, text);
}

void note(const Context &ctx, const std::string &text)
{
    if (!ctx.g.quiet) say(ctx, nullptr, nullptr, text);
}

void detail(const Context &ctx, const std::string &text)
{
    if (ctx.g.verbose > 0 && !ctx.g.quiet) say(ctx, nullptr, nullptr, text);
}

std::string last_error(int code)
{
    std::string m = fl_last_error_message();
    return m.empty() ? std::string(fl_strerror(code)) : m;
}

int exit_for(int code)
{
    switch (code) {
    case FL_OK: return kExitOk;
    case FL_EBUSY:
    case FL_ETIMEDOUT: return kExitTimeout;
    case FL_ENOENT: return kExitNoInput;
    case FL_EINVAL: return kExitUsage;
    case FL_ECONFIG: return kExitConfig;
    case FL_EUNAVAIL: return kExitUnavailable;
    case FL_ELOST: return kExitTimeout;  // the lock is someone else's now: try again
    case FL_ENOMEM:
    case FL_EINTERNAL:
    case FL_EDEADLK:
    case FL_EFORKED: return kExitSoftware;
    default: return kExitError;  // EPERM, EUNSAFE, EIO, ENOTSUP, ECANCELED, new codes
    }
}

int fail(const Context &ctx, int code)
{
    error(ctx, last_error(code));
    return exit_for(code);
}

int resolve_timeout(Context &ctx, const std::string &flag_text, int64_t *ms)
{
    if (flag_text.empty()) {
        *ms = ctx.cfg.millis("timeout_seconds", 30000);
        return kExitOk;
    }
    if (fl_parse_seconds(flag_text.c_str(), 1, ms) == FL_OK) return kExitOk;
    error(ctx, "--timeout " + flag_text +
                   ": expected seconds (e.g. 0, 2.5, 30) or 'inf' for no limit");
    return kExitUsage;
}

int resolve_threshold(Context &ctx, const std::optional<double> &hours, int64_t *ms)
{
    if (!hours) {
        *ms = ctx.cfg.millis("stale_threshold_hours", 3600000);
        return kExitOk;
    }
    if (!std::isfinite(*hours) || *hours < 0 || *hours > 1e9) {
        error(ctx, "--max-age-hours must be a number of hours >= 0");
        return kExitUsage;
    }
    *ms = static_cast<int64_t>(std::llround(*hours * 3600000.0));
    return kExitOk;
}

void cleanup_at_start(Context &ctx, const std::vector<std::string> &targets, const fl_options *opts)
{
    // The same rule as fl_batch_run: the working directory and the lock
    // files' directories, without descending.
    std::vector<const char *> names;
    for (const std::string &t : targets) names.push_back(t.c_str());
    fl_clean_report *raw = nullptr;
    int rc = fl_cleanup_for_targets(names.data(), names.size(), opts,
                                    ctx.cfg.millis("stale_threshold_hours", 3600000), &raw);
    fl::clean_report_ptr rep(raw);
    if (rc != FL_OK) {
        // Not fatal: a stale lock file never blocks an acquire.
        warn(ctx, "stale lock cleanup skipped: " + last_error(rc));
        return;
    }
    if (rep->stale_count > 0 && ctx.g.verbose == 0) {
        std::string names;
        for (size_t i = 0; i < rep->stale_count && i < 3; ++i)
            names += std::string(i ? ", " : "") + rep->stale_locks[i]->lock_path;
        if (rep->stale_count > 3) names += ", ...";
        note(ctx, "removed " + std::to_string(rep->stale_count) + " stale lock file" +
                      (rep->stale_count == 1 ? "" : "s") + ": " + names);
    }
    for (size_t i = 0; i < rep->stale_count; ++i)
        detail(ctx, std::string("removed stale lock file ") + rep->stale_locks[i]->lock_path + " (" +
                        rep->stale_locks[i]->reason + ")");
    for (size_t i = 0; i < rep->error_count; ++i)
        detail(ctx, std::string("stale lock cleanup: ") + rep->errors[i]->message);
}

} // namespace flcli
