// cmd_locks.cpp - `filelock locks`: the original tool's command line
// (`altgen.py locks [--directory DIR] [--clean-stale] [--max-age-hours H]`),
// an alias of status, or of clean with --clean-stale.
#include <memory>

#include "commands.hpp"
#include "scan.hpp"

namespace flcli {

namespace {

const char *const kHelp =
    "The original tool's 'locks' command, unchanged: without --clean-stale it is\n"
    "'filelock status' (a table of every lock file under DIR and a summary); with\n"
    "--clean-stale it is 'filelock clean' (remove the stale ones, older than\n"
    "--max-age-hours, default stale_threshold_hours).  Every other option means what\n"
    "it means there.\n";

struct LocksArgs {
    CleanArgs clean;
    bool clean_stale = false;
};

} // namespace

Command add_locks(CLI::App &app)
{
    auto args = std::make_shared<LocksArgs>();
    Command c;
    c.app = app.add_subcommand("locks", "The original tool's command: status, or clean with --clean-stale");
    c.app->footer(kHelp);
    CLI::App *sub = c.app;
    c.populate = [sub, args] {
        add_scan_options(sub, args->clean.scan);
        sub->add_flag("--clean-stale", args->clean_stale, "Remove stale lock files (as 'clean')");
        sub->add_flag("-n,--dry-run", args->clean.dry_run, "With --clean-stale: report, remove nothing");
    };
    c.run = [args](Context &ctx, const std::vector<std::string> &) {
        if (args->clean_stale) return run_clean(ctx, args->clean);
        return run_status(ctx, args->clean.scan);
    };
    return c;
}

} // namespace flcli
