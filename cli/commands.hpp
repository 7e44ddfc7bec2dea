// commands.hpp - the subcommands.  Each cmd_*.cpp adds its CLI11 subcommand
// with its options and returns how to run it once the line is parsed.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "context.hpp"

namespace flcli {

struct Command {
    CLI::App *app = nullptr;
    // Runs the subcommand; `tail` is what followed the first "--" (the
    // COMMAND of run and batch).  Returns the exit status.
    std::function<int(Context &ctx, const std::vector<std::string> &tail)> run;
    bool takes_command = false;     // run and batch: "-- COMMAND [ARGS...]"
    bool command_optional = false;  // run: -c CMD instead; it checks itself
    bool loads_config = true;       // main loads the configuration first
    // Adds the subcommand's options.  Only the subcommand being run needs
    // them (and 'completion', which needs all): building every option of
    // every subcommand is most of the tool's start-up work after loading.
    std::function<void()> populate;
    void ensure_populated()
    {
        if (!populate) return;
        auto p = std::move(populate);
        populate = nullptr;
        p();
    }
};

Command add_status(CLI::App &app);
Command add_clean(CLI::App &app);
Command add_run(CLI::App &app);
Command add_wait(CLI::App &app);
Command add_info(CLI::App &app);
Command add_batch(CLI::App &app);
Command add_locks(CLI::App &app);
Command add_config(CLI::App &app);
// The hidden `completion SHELL`, written from `commands` (the visible ones).
Command add_completion(CLI::App &app, std::vector<Command> *commands);

// The bodies `locks` shares with status and clean.
struct ScanArgs;
struct CleanArgs;
int run_status(Context &ctx, const ScanArgs &a);
int run_clean(Context &ctx, const CleanArgs &a);

// The exit-status section shared by the help texts.
extern const char *const kExitStatusHelp;

} // namespace flcli
