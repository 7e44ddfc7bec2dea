// cmd_wait.cpp - `filelock wait FILE`: wait until FILE is not locked,
// without taking the lock.
#include <memory>

#include "backend.hpp"
#include "commands.hpp"
#include "lockhandle.hpp"
#include "output.hpp"

namespace flcli {

namespace {

const char *const kHelp =
    "Wait until nobody holds FILE's lock, without taking it, and exit 0.  Nothing is\n"
    "created or changed.  --timeout SEC: 0 = check once ('is it free now?'); 'inf' = no\n"
    "limit; default timeout_seconds (30).  Still locked at the deadline: exit 75.\n"
    "Prints nothing on success (with --verbose: how long it waited).\n"
    "With --backend etcd://...: FILE is the lock's name; waits until it has no holder.\n";

struct WaitArgs {
    std::string file;
    std::string timeout;
    std::string backend;
};

int run_wait(Context &ctx, const WaitArgs &a)
{
    int64_t timeout_ms = 0;
    if (int rc = resolve_timeout(ctx, a.timeout, &timeout_ms); rc != kExitOk) return rc;
    std::string backend;
    if (int rc = apply_backend(ctx, a.backend, &backend); rc != kExitOk) return rc;
    OptionsPtr opts;
    int rc = options_from_config(ctx, &opts);
    if (rc != FL_OK) return fail(ctx, rc);
    rc = fl_wait_released(a.file.c_str(), opts.get(), timeout_ms);
    if (rc == FL_ETIMEDOUT) {
        error(ctx, printable(a.file) + " is still locked after " + span_text(timeout_ms));
        return kExitTimeout;
    }
    if (rc != FL_OK) return fail(ctx, rc);
    detail(ctx, printable(a.file) + " is not locked");
    return kExitOk;
}

} // namespace

Command add_wait(CLI::App &app)
{
    auto args = std::make_shared<WaitArgs>();
    Command c;
    c.app = app.add_subcommand("wait", "Wait until a file is not locked");
    c.app->footer(kHelp);
    CLI::App *sub = c.app;
    c.populate = [sub, args] {
        sub->add_option("FILE", args->file, "The file whose lock to wait for")->required();
        sub->add_option("-t,--timeout", args->timeout,
                          "Seconds to wait (0: check once; inf: no limit)")
            ->type_name("SEC");
        add_backend_option(sub, &args->backend);
    };
    c.run = [args](Context &ctx, const std::vector<std::string> &) { return run_wait(ctx, *args); };
    return c;
}

} // namespace flcli
