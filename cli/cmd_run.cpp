// cmd_run.cpp - `filelock run FILE -- COMMAND`: hold FILE's lock while
// COMMAND runs, like flock(1) but with the filelock protocol.
#include <cerrno>
#include <cstring>
#include <memory>

#include "child.hpp"
#include "commands.hpp"
#include "lockhandle.hpp"
#include "output.hpp"

namespace flcli {

namespace {

const char *const kHelp =
    "Full form: filelock run [OPTIONS] FILE -- COMMAND [ARGS...]\n\n"
    "Take FILE's lock (FILE.lock beside it, or in the configured lock_directory), run\n"
    "COMMAND while holding it, release it when COMMAND ends, and exit with COMMAND's\n"
    "status (128+N when COMMAND was killed by signal N).  COMMAND does not inherit the\n"
    "lock's descriptor.  SIGINT, SIGTERM, SIGHUP and SIGQUIT sent to filelock are\n"
    "forwarded to COMMAND (those a terminal sends reach COMMAND directly and are not sent\n"
    "twice); the lock is released only after COMMAND has exited.  If filelock itself is\n"
    "killed (SIGKILL), the OS drops the lock and COMMAND gets SIGTERM (Linux).\n\n"
    "Before waiting, stale lock files under the working directory (or the configured\n"
    "lock_directory) are removed when the configuration says cleanup_stale_locks: true\n"
    "(the default; --verbose lists them).  With enabled: false in the configuration,\n"
    "COMMAND runs without a lock (a warning says so).\n\n"
    "TIMEOUT\n"
    "  --timeout SEC: 0 = one attempt; 'inf' (or more than a century) = no limit;\n"
    "  default timeout_seconds (30).  Busy or timed out: exit 75, COMMAND is not run.\n"
    "  COMMAND's own status is passed through, so choose codes other than 64-78 and\n"
    "  126/127 in COMMAND if a script must tell them apart.\n\n"
    "SAFETY\n"
    "  An existing FILE.lock that is not a lock file (a Cargo.lock, JSON, a binary) or\n"
    "  that has other hard links is never written or removed: exit 71, nothing touched.\n\n"
    "OTHER LOCKING TOOLS\n"
    "  flock(1), raw flock()/fcntl() users and old lock libraries lock FILE.lock too but\n"
    "  do not re-check it after locking.  With lock-file removal on (the default) such a\n"
    "  tool can be admitted beside a filelock holder: it may lock a FILE.lock that a\n"
    "  filelock holder has just removed.  Beside such tools use --keep (lock files stay),\n"
    "  with which `flock FILE.lock CMD` and `filelock run --keep FILE -- CMD` exclude\n"
    "  each other.\n";

struct RunArgs {
    std::string file;
    std::string timeout;
    bool shared = false;
    bool keep = false;
    std::string tag;
};

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
    detail(ctx, "started " + command[0] + " (pid " + std::to_string(pid) + ")");
    const int status = fw.wait(pid);
    const int code = exit_code_of(status);
    detail(ctx, command[0] + " exited with status " + std::to_string(code));
    return code;
}

int run_run(Context &ctx, const RunArgs &a, const std::vector<std::string> &command)
{
    SignalForwarder fw(SignalForwarder::Mode::Run);  // before any library thread
    int64_t timeout_ms = 0;
    if (int rc = resolve_timeout(ctx, a.timeout, &timeout_ms); rc != kExitOk) return rc;

    if (!ctx.cfg.flag("enabled", true)) {
        warn(ctx, "locking is disabled by the configuration (enabled: false); running '" +
                      command[0] + "' without a lock");
        return run_child(ctx, fw, command);
    }

    OptionsPtr opts;
    int rc = options_from_config(ctx, &opts);
    if (rc == FL_OK && a.shared) rc = fl_options_set_shared(opts.get(), 1);
    if (rc == FL_OK && a.keep) rc = fl_options_set_remove_on_release(opts.get(), 0);
    if (rc == FL_OK && !a.tag.empty()) rc = fl_options_set_tag(opts.get(), a.tag.c_str());
    fl_lock *raw = nullptr;
    if (rc == FL_OK) rc = fl_lock_new(&raw, a.file.c_str(), opts.get());
    LockPtr lock(raw);
    if (rc != FL_OK) return fail(ctx, rc);

    cleanup_at_start(ctx, a.file, opts.get());

    rc = fl_acquire(lock.get(), timeout_ms);
    if (rc != FL_OK) return fail(ctx, rc);
    detail(ctx, std::string("holding ") + (a.shared ? "shared" : "exclusive") + " lock " +
                    fl_lock_path(lock.get()));

    const int code = run_child(ctx, fw, command);

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
    c.app = app.add_subcommand("run", "Run a command while holding a file's lock");
    c.app->footer(kHelp);
    c.app->add_option("FILE", args->file, "The file to lock (it need not exist)")->required();
    c.app->add_option("-t,--timeout", args->timeout,
                      "Seconds to wait for the lock (0: one try; inf: no limit)")
        ->type_name("SEC");
    c.app->add_flag("-s,--shared", args->shared, "Take a shared (read) lock instead of exclusive");
    c.app->add_flag("-k,--keep", args->keep, "Keep the lock file after release (default: remove)");
    c.app->add_option("--tag", args->tag, "Label written into the lock file's record")
        ->type_name("TEXT");
    c.run = [args](Context &ctx, const std::vector<std::string> &tail) {
        return run_run(ctx, *args, tail);
    };
    return c;
}

} // namespace flcli
