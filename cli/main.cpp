// main.cpp - the `filelock` command: global options, the subcommands, and
// the mapping of command-line errors to exit statuses.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "context.hpp"
#include "output.hpp"

namespace flcli {

const char *const kExitStatusHelp =
    "EXIT STATUS\n"
    "  0    success\n"
    "  1    finished, but not everything succeeded: status/clean met unreadable\n"
    "       entries; batch had files that failed, errored or were cancelled\n"
    "  64   command-line usage error\n"
    "  66   a named file or directory does not exist\n"
    "  69   the lock service (etcd) could not be reached\n"
    "  70   internal error\n"
    "  71   lock, file or system error (e.g. a symlink at the lock path)\n"
    "  75   lock busy or timed out (run, wait; batch: files locked out); run: the\n"
    "       lock (etcd) was lost while COMMAND ran\n"
    "  78   bad configuration file or value\n"
    "  126  COMMAND could not be started (run)\n"
    "  127  COMMAND not found (run)\n"
    "  run passes COMMAND's own status through (128+N if killed by signal N).\n";

namespace {

const char *const kDescription =
    "filelock - inspect, clean and take the lock files of libfilelock.\n"
    "A lock on FILE is an OS lock (flock) on FILE.lock beside it, whose text names the "
    "holder (pid, host, start time).  A lock file is stale when nobody holds it, its "
    "holder is dead on this host, and it is older than the threshold.";

const char *const kFooter =
    "\nGLOBAL OPTIONS go before or after the subcommand.  Run 'filelock SUBCOMMAND --help'\n"
    "for each subcommand's options and output.\n\n"
    "CONFIGURATION\n"
    "  Defaults come from the built-in values, then one YAML file's `file_locking:`\n"
    "  section, then FILELOCK_* environment variables; explicit options win.  The file\n"
    "  is the first of: --config FILE, $FILELOCK_CONFIG, $XDG_CONFIG_HOME/filelock/\n"
    "  config.yaml (or ~/.config/filelock/config.yaml), /etc/filelock/config.yaml.\n"
    "  'filelock config show' prints each setting and where it came from.  With\n"
    "  cleanup_stale_locks: true (the default), batch first removes stale lock files\n"
    "  from the working directory and from the directories of its lock files (not\n"
    "  descending), and says so; run does only with --clean-stale.  status, info and\n"
    "  wait never remove anything, clean removes by its own options.\n\n"
    "OUTPUT\n"
    "  Tables and summaries on stdout, diagnostics on stderr (prefixed 'filelock:').\n"
    "  Colour only on a terminal and never when NO_COLOR is set (--color always|never\n"
    "  overrides both).  --json prints one JSON\n"
    "  document on stdout (see each subcommand's help).\n\n";

const char *const kGlobalHelp =
    "GLOBAL OPTIONS (here or before the subcommand)\n"
    "  --config FILE   YAML file whose `file_locking:` section supplies defaults\n"
    "  -v, --verbose   more detail (twice: debug)\n"
    "  -q, --quiet     only errors and the requested output\n"
    "  --color WHEN    auto (default: on a terminal, unless NO_COLOR is set), always, never\n";

std::string version_text()
{
    return std::string("filelock ") + FL_LIB_VERSION_STRING + " (libfilelock " +
           fl_version_string() + ")";
}

// Whether `word` is one of `app`'s options that takes a value as the next
// word (so that word is not a subcommand, a FILE or a COMMAND).
bool takes_value(const CLI::App *app, const std::string &word)
{
    if (!app || word.size() < 2 || word[0] != '-' || word.find('=') != std::string::npos) return false;
    const CLI::Option *o = app->get_option_no_throw(word);
    return o && o->get_expected_min() > 0;
}

size_t edit_distance(const std::string &a, const std::string &b)
{
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            const size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diag = up;
        }
    }
    return row[b.size()];
}

// The candidate nearest to `word`, if it is near enough to be a typo.
std::string nearest(const std::string &word, const std::vector<std::string> &candidates)
{
    std::string best;
    size_t best_d = std::max<size_t>(2, word.size() / 3) + 1;
    for (const std::string &c : candidates) {
        const size_t d = edit_distance(word, c);
        if (d < best_d) best = c, best_d = d;
    }
    return best;
}

std::vector<std::string> option_names(const CLI::App *app)
{
    std::vector<std::string> out;
    for (const CLI::Option *o : app->get_options()) {
        for (const std::string &l : o->get_lnames()) out.push_back("--" + l);
        for (const std::string &s : o->get_snames()) out.push_back("-" + s);
    }
    return out;
}

// A usage error, with "did you mean" for a mistyped subcommand or option.
int parse_error(CLI::App &app, const CLI::ParseError &e, const std::vector<std::string> &head)
{
    if (e.get_exit_code() == 0) {
        app.exit(e);  // --help, --version
        return kExitOk;
    }
    std::vector<std::string> subs;
    for (const CLI::App *s : app.get_subcommands({})) subs.push_back(s->get_name());
    const CLI::App *chosen = nullptr;
    std::string message = e.what();
    for (size_t i = 0; i < head.size(); ++i) {
        const std::string &w = head[i];
        if (takes_value(&app, w)) {
            ++i;
            continue;
        }
        if (w.size() > 1 && w[0] == '-') {
            const std::string name = w.substr(0, w.find('='));
            std::vector<std::string> known = option_names(&app);
            if (chosen) {
                std::vector<std::string> more = option_names(chosen);
                known.insert(known.end(), more.begin(), more.end());
            }
            const bool cluster = name.size() > 2 && name[1] != '-';  // -nx
            if (!cluster && std::find(known.begin(), known.end(), name) == known.end()) {
                message = "unknown option '" + name + "'" +
                          (chosen ? " for '" + chosen->get_name() + "'" : std::string());
                const std::string near = nearest(name, known);
                if (!near.empty()) message += "; did you mean '" + near + "'?";
                break;
            }
            continue;
        }
        if (chosen) continue;
        if (std::find(subs.begin(), subs.end(), w) == subs.end()) {
            message = "unknown command '" + w + "'";
            const std::string near = nearest(w, subs);
            if (!near.empty()) message += "; did you mean '" + near + "'?";
            break;
        }
        chosen = app.get_subcommand(w);
    }
    std::fprintf(stderr, "filelock: %s\nRun 'filelock --help' for usage.\n", printable(message).c_str());
    return kExitUsage;
}

// `filelock run [OPTIONS] FILE COMMAND...` needs no "--", as with flock(1):
// put one before COMMAND's first word.  That word is the first one, after
// the subcommand's FILE (or after its options when --lock-file names the
// file), that is not an option or an option's value (as `app`, the tool, and
// `run`, its populated subcommand, define them).  Returns args unchanged
// when they already hold "--" or are not a run.
std::vector<std::string> implicit_dashes(std::vector<std::string> args, const CLI::App &app, const CLI::App &run)
{
    if (std::find(args.begin(), args.end(), "--") != args.end()) return args;
    size_t i = 0;
    for (; i < args.size() && args[i] != "run"; ++i)
        if (takes_value(&app, args[i])) ++i;
    if (i >= args.size()) return args;
    bool have_file = false;
    for (size_t k = i + 1; k < args.size(); ++k) {
        const std::string &w = args[k];
        if (w.size() > 1 && w[0] == '-') {
            if (w == "--lock-file") have_file = true;
            if (w.rfind("--lock-file=", 0) == 0) have_file = true;
            if (takes_value(&run, w) || takes_value(&app, w)) ++k;
            continue;
        }
        if (!have_file) {
            have_file = true;
            continue;
        }
        args.insert(args.begin() + static_cast<long>(k), "--");
        break;
    }
    return args;
}

int run_main(int argc, char **argv)
{
    std::vector<std::string> args(argv + 1, argv + argc);

    Context ctx;
    CLI::App app(kDescription, "filelock");
    app.footer(std::string(kFooter) + kExitStatusHelp);
    app.set_version_flag("--version", version_text(), "Print the version and exit");
    app.require_subcommand(1);
    app.fallthrough();
    app.get_formatter()->column_width(34);
    app.add_option("--config", ctx.g.config_path,
                   "YAML file whose `file_locking:` section supplies defaults (default: discovered)")
        ->type_name("FILE");
    app.add_flag("-v,--verbose", ctx.g.verbose,
                 "More detail (library log at info; twice: debug)");
    app.add_flag("-q,--quiet", ctx.g.quiet, "Only errors and the requested output");
    app.add_option("--color", ctx.g.color, "Colour: auto (a terminal, no NO_COLOR), always, never")
        ->type_name("WHEN")
        ->check(CLI::IsMember({"auto", "always", "never"}));

    std::vector<Command> commands = {add_status(app), add_clean(app), add_run(app),
                                     add_wait(app),   add_info(app),  add_batch(app),
                                     add_locks(app),  add_config(app)};
    std::vector<Command> visible_commands(commands.begin(), commands.end());
    for (Command &c : commands) c.populate = nullptr;  // the copies in visible_commands own them
    commands.push_back(add_completion(app, &visible_commands));
    // Options for the subcommand named on the line only (the first word
    // before any "--" that is a subcommand's name, skipping the values of
    // global options).
    for (size_t i = 0; i < args.size() && args[i] != "--"; ++i) {
        if (takes_value(&app, args[i])) {
            ++i;
            continue;
        }
        bool found = false;
        for (Command &v : visible_commands)
            if (v.app->get_name() == args[i]) v.ensure_populated(), found = true;
        if (found || args[i] == "completion") break;
    }
    args = implicit_dashes(std::move(args), app, *app.get_subcommand("run"));
    auto dashes = std::find(args.begin(), args.end(), std::string("--"));
    const bool has_tail = dashes != args.end();
    std::vector<std::string> head(args.begin(), dashes);
    std::vector<std::string> tail(has_tail ? dashes + 1 : args.end(), args.end());
    for (Command &c : commands) {
        c.app->fallthrough();
        c.app->footer("\n" + c.app->get_footer() + "\n" + kGlobalHelp + "\n" + kExitStatusHelp);
    }

    auto parse = [&](const std::vector<std::string> &words) {
        std::vector<std::string> rev(words.rbegin(), words.rend());
        app.parse(rev);
    };
    try {
        parse(head);
        const Command *chosen = nullptr;
        for (const Command &c : commands)
            if (c.app->parsed()) chosen = &c;
        if (chosen && !chosen->takes_command && has_tail) {
            // "--" belongs to this subcommand's own arguments.
            parse(args);
            tail.clear();
        }
    } catch (const CLI::ParseError &e) {
        return parse_error(app, e, head);
    }

    for (Command &c : commands) {
        if (!c.app->parsed()) continue;
        ctx.command = c.app->get_name();
        ctx.colour_out = ctx.g.color == "always" || (ctx.g.color == "auto" && colour_wanted(STDOUT_FILENO));
        ctx.colour_err = ctx.g.color == "always" || (ctx.g.color == "auto" && colour_wanted(STDERR_FILENO));
        if (ctx.g.quiet && ctx.g.verbose > 0) {
            std::fprintf(stderr, "filelock: --quiet and --verbose exclude each other\n");
            return kExitUsage;
        }
        if (c.takes_command && !c.command_optional && !has_tail) {
            error(ctx, "missing '-- COMMAND [ARGS...]' (see 'filelock " + ctx.command + " --help')");
            return kExitUsage;
        }
        if (c.takes_command && !c.command_optional && tail.empty()) {
            error(ctx, "nothing after '--': COMMAND is missing");
            return kExitUsage;
        }
        setup_logging(ctx);
        if (c.loads_config)
            if (int rc = ctx.cfg.load(ctx.g); rc != kExitOk) return rc;
        return c.run(ctx, tail);
    }
    return kExitUsage;
}

} // namespace
} // namespace flcli

// Output that never arrived (a full disk, a closed standard output) is a
// failure, not a success: a script reading `filelock status --json > f`
// must not take a truncated f for the answer.  std::cout is synced with
// stdio, so stdout's error flag covers both.
int output_status(int rc)
{
    errno = 0;
    const bool flushed = std::fflush(stdout) == 0;
    if (flushed && !std::ferror(stdout) && !std::cout.fail()) return rc;
    int err = errno;
    std::fprintf(stderr, "filelock: cannot write the output: %s\n",
                 err ? std::strerror(err) : "write error");
    return rc == flcli::kExitOk ? flcli::kExitError : rc;
}

int main(int argc, char **argv)
{
    try {
        return output_status(flcli::run_main(argc, argv));
    } catch (const std::exception &e) {
        std::fprintf(stderr, "filelock: internal error: %s\n", e.what());
    } catch (...) {
        std::fprintf(stderr, "filelock: internal error\n");
    }
    return flcli::kExitSoftware;
}
