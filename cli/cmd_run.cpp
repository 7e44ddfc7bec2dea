// cmd_run.cpp - `filelock run FILE [--] COMMAND`: hold FILE's lock while
// COMMAND runs, like flock(1) (whose flags it takes) but with the filelock
// protocol.
#include <cerrno>
#include <atomic>
#include <csignal>
#include <cstring>
#include <memory>

#include "child.hpp"
#include "backend.hpp"
#include "commands.hpp"
#include "lockhandle.hpp"
#include "output.hpp"

namespace flcli {

namespace {

const char *const kHelp =
    "Full form: filelock run [OPTIONS] FILE [--] COMMAND [ARGS...]\n"
    "           filelock run [OPTIONS] FILE -c 'SHELL COMMAND'\n\n"
    "Take FILE's lock, run COMMAND while holding it, release it when COMMAND ends, and\n"
    "exit with COMMAND's status (128+N when COMMAND was killed by signal N).  The '--'\n"
    "is needed only when COMMAND's first word starts with '-'.\n\n"
    "WHICH FILE IS LOCKED\n"
    "  FILE ending in '.lock', or --lock-file PATH: that file itself (created if\n"
    "  missing, kept afterwards), as flock(1) does; `filelock run job.lock CMD` and\n"
    "  `flock job.lock CMD` exclude each other.  Any other FILE is a target: its lock is\n"
    "  FILE.lock beside it (or in the configured lock_directory), removed on release\n"
    "  unless --keep.  The lock file gets the holder's record (pid, host, start time)\n"
    "  unless --no-record; with --no-record a --lock-file may be any existing regular\n"
    "  file, whose bytes are never touched.\n\n"
    "FLOCK(1) FLAGS\n"
    "  -n, -w SEC, -s, -x, -E N, -c CMD and -o mean what they mean to flock(1).  When\n"
    "  the lock is busy (-n) or the wait runs out (-w), the exit status is 1, or N with\n"
    "  -E N, as with flock(1).  -o is accepted and changes nothing: COMMAND never\n"
    "  inherits the lock's descriptor.  flock(1)'s descriptor form (`flock 9` on a\n"
    "  descriptor the shell opened) is not offered: the shell opens such a file itself,\n"
    "  following symlinks and truncating with '>', before any check could refuse it;\n"
    "  use --lock-file PATH instead.\n\n"
    "TIMEOUT\n"
    "  --timeout SEC (filelock's own form of -w): 0 = one attempt; 'inf' (or more than a\n"
    "  century) = no limit; default timeout_seconds (30).  Busy or timed out with\n"
    "  --timeout or the default: exit 75 (or -E N), COMMAND is not run.  COMMAND's own\n"
    "  status is passed through, so a script that must tell them apart should give\n"
    "  -E a code COMMAND does not use.\n\n"
    "SIGNALS\n"
    "  COMMAND does not inherit the lock's descriptor.  SIGINT, SIGTERM, SIGHUP and\n"
    "  SIGQUIT sent to filelock are forwarded to COMMAND (those a terminal sends reach\n"
    "  COMMAND directly and are not sent twice); the lock is released only after\n"
    "  COMMAND has exited.  If filelock itself is killed (SIGKILL), the OS drops the\n"
    "  lock and COMMAND gets SIGTERM (Linux).\n\n"
    "STALE LOCK FILES\n"
    "  run removes nothing unless asked: with --clean-stale it first removes stale\n"
    "  lock files from the working directory and from the lock file's directory (not\n"
    "  descending), and says on stderr what it removed.  With enabled: false in the\n"
    "  configuration, COMMAND runs without a lock (a warning says so).\n\n"
    "ETCD (MULTI-HOST)\n"
    "  --backend etcd://HOST:PORT[,HOST:PORT...]/PREFIX (or the backend key): FILE is the\n"
    "  lock's name (the same string on every host) and nothing is created on disk.\n"
    "  COMMAND gets FILELOCK_FENCING_TOKEN, a number larger for every later holder: pass\n"
    "  it to what COMMAND writes to, so that a holder that lost the lock is refused.  If\n"
    "  the lease is lost while COMMAND runs (filelock was paused or cut off from etcd),\n"
    "  COMMAND is sent SIGTERM and run exits 75.\n\n"
    "SAFETY\n"
    "  An existing lock file that is not a lock file (a Cargo.lock, JSON, a binary) or\n"
    "  that has other hard links is never written or removed: exit 71, nothing touched.\n\n"
    "OTHER LOCKING TOOLS\n"
    "  flock(1) and raw flock() users do not re-check a lock file after locking it.\n"
    "  When filelock removes a target's lock file on release, such a tool can lock the\n"
    "  removed file beside a new filelock holder.  Beside them use a .lock FILE (or\n"
    "  --lock-file, or --keep): the file then stays, and both exclude each other.\n";

struct RunArgs {
    std::string backend;
    std::string file;
    std::string timeout;
    std::string wait;
    bool nonblock = false;
    bool shared = false;
    bool exclusive = false;
    bool keep = false;
    bool no_record = false;
    bool close_fd = false;
    bool clean_stale = false;
    int conflict_code = -1;
    std::string shell_command;
    std::string lock_file;
    std::string tag;
};

// A leased lock (etcd) lost while COMMAND runs: COMMAND is told to stop.
std::atomic<pid_t> g_child{0};
std::atomic<bool> g_lost{false};

void on_lost(const char *, int64_t, void *)
{
    g_lost = true;
    if (pid_t pid = g_child.load(); pid > 0) stop_child(pid);
}

int start_failed(const Context &ctx, const std::string &cmd, int err)
{
    error(ctx, "cannot run '" + cmd + "': " + std::strerror(err));
    return err == ENOENT ? kExitNotFound : kExitCannotRun;
}

// Run COMMAND to its end; returns its exit code.
int run_child(const Context &ctx, SignalForwarder &fw, const std::vector<std::string> &command)
{
    pid_t pid = 0;
    if (int err = fw.spawn(command, &pid); err != 0) return start_failed(ctx, command[0], err);
    g_child = pid;
    if (g_lost) stop_child(pid);  // lost before the child was known
    detail(ctx, "started " + command[0] + " (pid " + std::to_string(pid) + ")");
    const int status = fw.wait(pid);
    g_child = 0;
    const int code = exit_code_of(status);
    detail(ctx, command[0] + " exited with status " + std::to_string(code));
    return code;
}

int usage(const Context &ctx, const std::string &text)
{
    error(ctx, text + " (see 'filelock run --help')");
    return kExitUsage;
}

bool ends_with_lock(const std::string &s)
{
    return s.size() > 5 && s.compare(s.size() - 5, 5, ".lock") == 0;
}

int run_run(Context &ctx, const RunArgs &a, const std::vector<std::string> &tail)
{
    // The command line first: every mistake is a usage error before any work.
    std::vector<std::string> command = tail;
    if (!a.shell_command.empty()) {
        if (!tail.empty()) return usage(ctx, "-c takes the whole command; give no COMMAND after it");
        command = shell_command(a.shell_command);
    }
    if (command.empty()) return usage(ctx, "COMMAND is missing");
    if (a.shared && a.exclusive) return usage(ctx, "-s and -x exclude each other");
    const int given = !a.timeout.empty() + !a.wait.empty() + a.nonblock;
    if (given > 1) return usage(ctx, "give only one of -n, -w and --timeout");
    if (!a.lock_file.empty() && !a.file.empty())
        return usage(ctx, "give FILE or --lock-file, not both");
    const std::string path = a.lock_file.empty() ? a.file : a.lock_file;
    if (path.empty()) return usage(ctx, "FILE is missing");
    const bool explicit_file = !a.lock_file.empty() || ends_with_lock(a.file);
    if (explicit_file && a.keep) detail(ctx, "--keep: a lock file named directly is always kept");

    // flock(1)'s flags give flock(1)'s conflict status; ours gives 75.
    const bool flock_style = a.nonblock || !a.wait.empty();
    const int conflict = a.conflict_code >= 0 ? a.conflict_code : flock_style ? 1 : kExitTimeout;

    SignalForwarder fw(SignalForwarder::Mode::Run);  // before any library thread
    int64_t timeout_ms = 0;
    if (!a.nonblock) {
        const std::string &t = a.wait.empty() ? a.timeout : a.wait;
        if (int rc = resolve_timeout(ctx, t, &timeout_ms); rc != kExitOk) return rc;
    }

    if (!ctx.cfg.flag("enabled", true)) {
        warn(ctx, "locking is disabled by the configuration (enabled: false); running '" +
                      command[0] + "' without a lock");
        return run_child(ctx, fw, command);
    }

    std::string backend;
    if (int b = apply_backend(ctx, a.backend, &backend); b != kExitOk) return b;
    OptionsPtr opts;
    int rc = options_from_config(ctx, &opts);
    if (rc == FL_OK) rc = fl_options_set_lost_callback(opts.get(), on_lost, nullptr);
    if (rc == FL_OK) rc = fl_options_set_shared(opts.get(), a.shared ? 1 : 0);
    if (rc == FL_OK && a.keep) rc = fl_options_set_remove_on_release(opts.get(), 0);
    if (rc == FL_OK && explicit_file) rc = fl_options_set_remove_on_release(opts.get(), 0);
    if (rc == FL_OK && a.no_record) rc = fl_options_set_write_record(opts.get(), 0);
    if (rc == FL_OK && !a.tag.empty()) rc = fl_options_set_tag(opts.get(), a.tag.c_str());
    fl_lock *raw = nullptr;
    if (rc == FL_OK)
        rc = explicit_file ? fl_lock_new_file(&raw, path.c_str(), opts.get())
                           : fl_lock_new(&raw, path.c_str(), opts.get());
    LockPtr lock(raw);
    if (rc != FL_OK) return fail(ctx, rc);

    if (a.clean_stale) cleanup_at_start(ctx, {path}, opts.get());

    rc = fl_acquire(lock.get(), timeout_ms);
    if (rc == FL_EBUSY || rc == FL_ETIMEDOUT) {
        error(ctx, last_error(rc));
        return conflict;
    }
    if (rc != FL_OK) return fail(ctx, rc);
    detail(ctx, std::string("holding ") + (a.shared ? "shared" : "exclusive") + " lock " +
                    fl_lock_path(lock.get()));
    int64_t token = 0;
    if (fl_lock_fencing_token(lock.get(), &token) == FL_OK)
        set_child_env("FILELOCK_FENCING_TOKEN", std::to_string(token));

    const int code = run_child(ctx, fw, command);

    if (g_lost) {
        fl_release(lock.get());
        error(ctx, "the lock " + std::string(fl_lock_path(lock.get())) + " was lost while '" + command[0] +
                       "' ran (its lease expired; fencing token " + std::to_string(token) +
                       "); it was sent SIGTERM");
        return kExitTimeout;
    }
    if (int rel = fl_release(lock.get()); rel != FL_OK)
        warn(ctx, "releasing the lock: " + last_error(rel));
    lock.reset();
    return code;
}

} // namespace

Command add_run(CLI::App &app)
{
    auto args = std::make_shared<RunArgs>();
    Command c;
    c.takes_command = true;
    c.command_optional = true;  // -c CMD
    c.app = app.add_subcommand("run", "Run a command while holding a file's lock");
    c.app->footer(kHelp);
    CLI::App *sub = c.app;
    c.populate = [sub, args] {
        sub->add_option("FILE", args->file,
                          "The file to lock: FILE.lock beside it, or FILE itself if it ends in .lock");
        add_backend_option(sub, &args->backend);
        sub->add_option("--lock-file", args->lock_file, "Lock this file itself (created if missing, kept)")
            ->type_name("PATH");
        sub->add_flag("-n,--nonblock", args->nonblock, "Fail at once if the lock is busy (flock -n)");
        sub->add_option("-w,--wait", args->wait, "Wait at most SEC seconds (flock -w)")->type_name("SEC");
        sub->add_option("-t,--timeout", args->timeout,
                          "Seconds to wait for the lock (0: one try; inf: no limit)")
            ->type_name("SEC");
        sub->add_flag("-s,--shared", args->shared, "Take a shared (read) lock instead of exclusive");
        sub->add_flag("-x,--exclusive", args->exclusive, "Take an exclusive lock (the default)");
        sub->add_option("-E,--conflict-exit-code", args->conflict_code,
                          "Exit status when busy or timed out (default 1 with -n/-w, else 75)")
            ->type_name("N")
            ->check(CLI::Range(0, 255));
        sub->add_option("-c,--command", args->shell_command, "Run CMD through /bin/sh -c (flock -c)")
            ->type_name("CMD");
        sub->add_flag("-o,--close", args->close_fd,
                        "Accepted for flock(1): COMMAND never inherits the lock's descriptor");
        sub->add_flag("-k,--keep", args->keep, "Keep a target's lock file after release (default: remove)");
        sub->add_flag("--no-record", args->no_record, "Write no record into the lock file");
        sub->add_flag("--clean-stale", args->clean_stale,
                        "First remove stale lock files here and beside the lock file");
        sub->add_option("--tag", args->tag, "Label written into the lock file's record")
            ->type_name("TEXT");
    };
    c.run = [args](Context &ctx, const std::vector<std::string> &tail) {
        return run_run(ctx, *args, tail);
    };
    return c;
}

} // namespace flcli
