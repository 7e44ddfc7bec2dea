// win32_unported.cpp - batch on Windows: not there yet.  It stops its
// commands with POSIX signals when cancelled and reads their output through
// pipes it polls beside the terminal (child.cpp, batch_view.cpp).  Here it
// is a subcommand that says so and exits 69, so that scripts fail plainly.
#include "commands.hpp"
#include "output.hpp"

namespace flcli {

namespace {

Command unported(CLI::App &app, const char *name, const char *what)
{
    Command c;
    c.takes_command = true;
    c.command_optional = true;
    c.loads_config = false;
    c.app = app.add_subcommand(name, what);
    static std::vector<std::string> ignored;
    c.app->add_option("ARGS", ignored, "Accepted and ignored");
    const std::string n = name;
    c.run = [n](Context &ctx, const std::vector<std::string> &) {
        error(ctx, "'filelock " + n + "' is not available on Windows yet (it cancels its commands "
                   "with POSIX signals); run each file with 'filelock run', or use fl_batch_run()");
        return kExitUnavailable;
    };
    return c;
}

} // namespace

Command add_batch(CLI::App &app)
{
    return unported(app, "batch", "Run a command for each file, each under its lock (POSIX only for now)");
}

} // namespace flcli
