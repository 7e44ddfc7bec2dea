// cmd_clean.cpp - `filelock clean`: remove stale lock files under a directory.
#include <cstdio>

#include "commands.hpp"
#include "filelock.hpp"
#include "lockview.hpp"
#include "output.hpp"
#include "scan.hpp"

namespace flcli {

namespace {

const char *const kHelp =
    "Remove stale lock files under DIR.  A lock file is removed only when it is not held,\n"
    "its recorded holder is dead on this host (exited, or its PID now belongs to another\n"
    "process), and it is older than the threshold; the decision is made again while\n"
    "holding its OS lock, just before removal.  Held locks, live or unknown holders\n"
    "(another host, unreadable record) and anything that is not a regular file are\n"
    "never touched.  Safe to run while other processes take and release locks.\n\n"
    "OUTPUT\n"
    "  One line per removed (--dry-run: would-be-removed) lock file, then a summary.\n"
    "  With --json: {\"schema\": 1, \"command\": \"clean\", \"directory\", \"count\": N,\n"
    "  \"dry_run\": bool, \"threshold_hours\": H, \"stale_locks\": [objects as in 'status\n"
    "  --json'], \"errors\": [{\"path\", \"message\", \"code\"}]}.  Errors (unreadable\n"
    "  directories, ...) give exit status 1.\n";

void print_human(const Context &ctx, const CleanArgs &a, const fl_clean_report &rep,
                 int64_t threshold_ms)
{
    const bool dry = a.dry_run;
    Table t({dry ? "WOULD REMOVE" : "REMOVED", "AGE", "PID", "HOST", "LOCK FILE", "REASON"});
    for (size_t i = 0; i < rep.stale_count; ++i) {
        std::vector<Cell> row = lock_row(*rep.stale_locks[i], threshold_ms, true);
        row[0] = {dry ? "would remove" : "removed", sgr::kRed};
        row.back() = {printable(rep.stale_locks[i]->reason), sgr::kDim};
        t.add(std::move(row));
    }
    if (!t.empty()) t.print(stdout, ctx.colour_out);
    if (ctx.g.quiet) return;
    std::string s;
    const std::string dir = printable(a.scan.directory);
    if (rep.count == 0)
        s = "no stale lock files under " + dir;
    else
        s = std::to_string(rep.count) + (rep.count == 1 ? " stale lock file " : " stale lock files ") +
            (dry ? "would be removed" : "removed") + " under " + dir;
    s += " (stale after " + span_text(threshold_ms) + ")";
    if (dry) s += "; dry run, nothing removed";
    if (rep.error_count)
        s += "; " + std::to_string(rep.error_count) + (rep.error_count == 1 ? " error" : " errors");
    std::printf("%s\n", paint(ctx.colour_out, sgr::kBold, s).c_str());
}

} // namespace

int run_clean(Context &ctx, const CleanArgs &a)
{
    int64_t threshold = 0;
    if (int rc = resolve_threshold(ctx, a.scan.max_age_hours, &threshold); rc != kExitOk) return rc;
    ScanOptionsPtr so = make_scan_options(a.scan, threshold, a.dry_run);
    fl_clean_report *raw = nullptr;
    int rc = so ? fl_cleanup_stale_locks(a.scan.directory.c_str(), so.get(), &raw) : FL_ENOMEM;
    if (rc != FL_OK) return fail(ctx, rc);
    fl::clean_report_ptr rep(raw);

    if (a.scan.json) {
        nlohmann::ordered_json locks = nlohmann::ordered_json::array(), errors = nlohmann::ordered_json::array();
        for (size_t i = 0; i < rep->stale_count; ++i) locks.push_back(lock_json(*rep->stale_locks[i]));
        for (size_t i = 0; i < rep->error_count; ++i) errors.push_back(error_json(*rep->errors[i]));
        nlohmann::ordered_json doc = json_doc(ctx.command.c_str());
        doc["directory"] = a.scan.directory;
        doc["count"] = rep->count;
        doc["dry_run"] = a.dry_run;
        doc["threshold_hours"] = static_cast<double>(threshold) / 3600000.0;
        doc["stale_locks"] = locks;
        doc["errors"] = errors;
        print_json(doc);
    } else {
        print_human(ctx, a, *rep, threshold);
    }
    std::fflush(stdout);
    report_scan_errors(ctx, rep->errors, rep->error_count);
    return rep->error_count ? kExitPartial : kExitOk;
}

Command add_clean(CLI::App &app)
{
    auto args = std::make_shared<CleanArgs>();
    Command c;
    c.app = app.add_subcommand("clean", "Remove stale lock files under a directory");
    c.app->footer(kHelp);
    CLI::App *sub = c.app;
    c.populate = [sub, args] {
        add_scan_options(sub, args->scan);
        sub->add_flag("-n,--dry-run", args->dry_run, "Report what would be removed; remove nothing");
    };
    c.run = [args](Context &ctx, const std::vector<std::string> &) { return run_clean(ctx, *args); };
    return c;
}

} // namespace flcli
