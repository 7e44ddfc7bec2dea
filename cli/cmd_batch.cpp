// cmd_batch.cpp - `filelock batch FILE... -- COMMAND`: COMMAND once per file,
// each run under that file's lock, several files at once (fl_batch_run).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>

#include "batch_view.hpp"
#include "child.hpp"
#include "backend.hpp"
#include "commands.hpp"
#include "filelock.hpp"
#include "lockhandle.hpp"
#include "output.hpp"

namespace flcli {

namespace {

const char *const kHelp =
    "Full form: filelock batch [OPTIONS] FILE... -- COMMAND [ARGS...]\n\n"
    "Run COMMAND once per FILE, each run holding that file's lock, on N workers at once.\n"
    "Every '{}' in COMMAND and ARGS is replaced by the file's path; with no '{}', the path\n"
    "is appended as the last argument.  A file is done when COMMAND exits 0 and failed\n"
    "otherwise.  Waiting for a busy file follows the configuration: timeout_seconds, then\n"
    "retry_attempts more tries retry_delay_seconds apart (then: locked out).  With\n"
    "--skip-locked a busy file is not waited for (skipped).  SIGINT/SIGTERM/SIGHUP/SIGQUIT\n"
    "cancel the batch: running commands get the signal (when it did not come from the\n"
    "terminal, which already delivered it), files not started are cancelled.\n"
    "With cleanup_stale_locks: true (the default) stale lock files in the working\n"
    "directory and beside the files' lock files (not descending) are removed first,\n"
    "and one line on stderr says which (not with --quiet; each with --verbose).\n\n"
    "OUTPUT\n"
    "  A progress bar on stderr when it is a terminal (not with --quiet): files done,\n"
    "  files/s, ETA, elapsed; it appears at once and always stays below the commands'\n"
    "  output, which then reaches the terminal through filelock, line by line (to the\n"
    "  commands their output is a pipe, not the terminal).  At the end, one\n"
    "  line per file that was not done (all files with --verbose) and a summary: done,\n"
    "  failed, locked out, skipped, wall time.  With --json: {\"schema\": 1, \"command\":\n"
    "  \"batch\", \"files\": [{path, status\n"
    "  (done|failed|locked_out|skipped|cancelled|error), exit_code, error, message,\n"
    "  attempts, lock_wait_seconds, process_seconds}], \"summary\": {total, done, failed,\n"
    "  locked_out, skipped, cancelled, errors, wall_seconds, exit_status}}; COMMAND's\n"
    "  standard output then goes to stderr, so stdout carries only the JSON.\n\n"
    "BATCH EXIT STATUS\n"
    "  0 every file done (or skipped with --skip-locked); 1 any file failed, had a lock\n"
    "  error or was cancelled; 75 none of those, but some file was locked out;\n"
    "  128+N interrupted by signal N; 64/66/78 as below.\n";

struct BatchArgs {
    std::string backend;
    std::vector<std::string> files;
    std::string files_from;
    size_t workers = 0;
    std::string timeout;
    bool skip_locked = false;
    bool stop_on_failure = false;
    bool json = false;
};

struct Job {
    const Context *ctx;
    SignalForwarder *fw;
    const std::vector<std::string> *command;
    bool json;
    Progress *progress;  // on: the commands' output goes through it
};

std::vector<std::string> command_for(const std::vector<std::string> &command, const std::string &path)
{
    std::vector<std::string> argv;
    bool placed = false;
    for (const std::string &arg : command) {
        std::string out;
        for (size_t i = 0; i < arg.size(); ++i) {
            if (arg.compare(i, 2, "{}") == 0) {
                out += path;
                placed = true;
                ++i;
            } else {
                out += arg[i];
            }
        }
        argv.push_back(std::move(out));
    }
    if (!placed) argv.push_back(path);
    return argv;
}

int process_one(const char *path, void *user_data)
{
    auto *job = static_cast<Job *>(user_data);
    std::vector<std::string> argv = command_for(*job->command, path);
    pid_t pid = 0;
    int err = 0;
    if (job->progress->on()) {
        // Through pipes, so that the bar is redrawn below each line of output.
        int out[2], errp[2];
        if (pipe2(out, O_CLOEXEC) != 0) return kExitCannotRun;
        if (pipe2(errp, O_CLOEXEC) != 0) {
            close(out[0]), close(out[1]);
            return kExitCannotRun;
        }
        err = job->fw->spawn_into(argv, &pid, out[1], errp[1]);
        close(out[1]);
        close(errp[1]);
        if (err == 0) {
            relay_output(*job->progress, out[0], errp[0], job->json ? STDERR_FILENO : STDOUT_FILENO);
        } else {
            close(out[0]);
            close(errp[0]);
        }
    } else {
        err = job->fw->spawn(argv, &pid, job->json);
    }
    if (err == ECANCELED) return 128 + (job->fw->signal_taken() ? job->fw->signal_taken() : SIGTERM);
    if (err != 0) {
        error(*job->ctx, "cannot run '" + argv[0] + "' for " + path + ": " + std::strerror(err));
        return err == ENOENT ? kExitNotFound : kExitCannotRun;
    }
    return exit_code_of(job->fw->wait(pid));
}

int read_file_list(const Context &ctx, const std::string &from, std::vector<std::string> *files)
{
    std::ifstream f;
    std::istream *in = &std::cin;
    if (from != "-") {
        f.open(from);
        if (!f) {
            error(ctx, "--files-from " + from + ": " + std::strerror(errno));
            return kExitNoInput;
        }
        in = &f;
    }
    for (std::string line; std::getline(*in, line);)
        if (!line.empty()) files->push_back(line);
    return kExitOk;
}

int run_batch(Context &ctx, BatchArgs &a, const std::vector<std::string> &command)
{
    SignalForwarder fw(SignalForwarder::Mode::Batch);  // before the worker threads exist
    if (!a.files_from.empty())
        if (int rc = read_file_list(ctx, a.files_from, &a.files); rc != kExitOk) return rc;
    if (a.files.empty()) {
        error(ctx, "no FILE given (before '--', or with --files-from)");
        return kExitUsage;
    }
    if (!a.timeout.empty()) {
        int64_t ms = 0;
        if (fl_parse_seconds(a.timeout.c_str(), 0, &ms) != FL_OK) {
            error(ctx, "--timeout " + a.timeout + ": " + last_error(FL_ECONFIG));
            return kExitUsage;
        }
        if (int rc = ctx.cfg.set("timeout_seconds", a.timeout, "--timeout"); rc != kExitOk) return rc;
    }
    if (!ctx.cfg.flag("enabled", true))
        warn(ctx, "locking is disabled by the configuration (enabled: false)");
    std::string backend;
    if (int rc = apply_backend(ctx, a.backend, &backend); rc != kExitOk) return rc;

    // Lock files only: an etcd holder that crashed leaves a lease that expires.
    if (is_file_backend(backend) && ctx.cfg.flag("enabled", true) &&
        ctx.cfg.flag("cleanup_stale_locks", false)) {
        // Done here rather than by fl_batch_run, so that what it removes is said.
        OptionsPtr opts;
        if (options_from_config(ctx, &opts) == FL_OK) cleanup_at_start(ctx, a.files, opts.get());
        if (int rc = ctx.cfg.set("cleanup_stale_locks", "false", "cleanup"); rc != kExitOk) return rc;
    }
    fl_batch *raw = nullptr;
    int rc = fl_batch_new(&raw, ctx.cfg.get());
    fl::batch_ptr batch(raw);
    if (rc == FL_OK) rc = fl_batch_set_workers(batch.get(), a.workers);
    if (rc == FL_OK) rc = fl_batch_set_skip_locked(batch.get(), a.skip_locked ? 1 : 0);
    if (rc == FL_OK) rc = fl_batch_set_stop_on_failure(batch.get(), a.stop_on_failure ? 1 : 0);
    Progress progress(ctx, a.files.size());
    if (rc == FL_OK) rc = fl_batch_set_progress_cb(batch.get(), Progress::callback, &progress);
    if (rc != FL_OK) return fail(ctx, rc);
    fl_batch *b = batch.get();
    fw.on_signal([b](int) { fl_batch_cancel(b); });

    std::vector<const char *> paths;
    for (const std::string &f : a.files) paths.push_back(f.c_str());
    Job job{&ctx, &fw, &command, a.json, &progress};
    fl_batch_results *res_raw = nullptr;
    rc = fl_batch_run(b, paths.data(), paths.size(), process_one, &job, &res_raw);
    fw.on_signal(nullptr);
    progress.finish();
    fl::batch_results_ptr res(res_raw);
    if (rc != FL_OK) return fail(ctx, rc);
    const int sig = fw.signal_taken();
    const int status = sig ? 128 + sig : batch_exit_status(*res);
    if (a.json)
        print_batch_json(*res, status);
    else
        print_batch_human(ctx, *res);
    if (sig) warn(ctx, std::string("interrupted by signal ") + strsignal(sig));
    return status;
}

} // namespace

Command add_batch(CLI::App &app)
{
    auto args = std::make_shared<BatchArgs>();
    Command c;
    c.takes_command = true;
    c.app = app.add_subcommand("batch", "Run a command on many files, each under its lock");
    c.app->footer(kHelp);
    CLI::App *sub = c.app;
    c.populate = [sub, args] {
        sub->add_option("FILE", args->files, "Files to process, in this order");
        sub->add_option("--files-from", args->files_from, "Read more files, one per line ('-': stdin)")
            ->type_name("LIST");
        sub->add_option("-j,--workers", args->workers, "Files processed at once (default: CPUs)")
            ->type_name("N")
            ->check(CLI::Range(1, 1024));
        sub->add_option("-t,--timeout", args->timeout,
                          "Seconds to wait for each lock, per attempt (default: timeout_seconds)")
            ->type_name("SEC");
        sub->add_flag("--skip-locked", args->skip_locked, "Skip files locked by others; do not wait");
        sub->add_flag("--stop-on-failure", args->stop_on_failure,
                        "Start no more files after one fails (the rest: cancelled)");
        sub->add_flag("--json", args->json, "Print per-file results as JSON");
        add_backend_option(sub, &args->backend);
    };
    c.run = [args](Context &ctx, const std::vector<std::string> &tail) {
        return run_batch(ctx, *args, tail);
    };
    return c;
}

} // namespace flcli
