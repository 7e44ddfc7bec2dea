// cmd_status.cpp - `filelock status`: every lock file under a directory.
#include <time.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <ctime>
#include <optional>

#include "backend.hpp"
#include "commands.hpp"
#include "filelock.hpp"
#include "lockview.hpp"
#include "output.hpp"
#include "scan.hpp"
#include "waiters.hpp"

namespace flcli {

namespace {

const char *const kHelp =
    "Show every lock file (*.lock) under DIR: its state, age, recorded holder and target.\n"
    "Read-only: nothing is created, locked or removed.\n\n"
    "STATES\n"
    "  held     some process holds the OS lock now\n"
    "  stale    not held, holder dead on this host, older than the threshold: 'clean' removes it\n"
    "  free     not held and not stale (holder still running, or younger than the threshold)\n"
    "  unknown  cannot be judged: holder on another host, unreadable record, not a lock\n"
    "           file (a foreign file such as a Cargo.lock, a symlink, FIFO or directory),\n"
    "           or held-ness undeterminable; never removed\n\n"
    "OUTPUT\n"
    "  A table (STATE AGE PID HOST TARGET NOTE) and a summary line.  With --json:\n"
    "  {\"schema\": 1, \"command\": \"status\", \"directory\", \"threshold_hours\", \"locks\":\n"
    "  [one object per lock file: lock_file, target, state, pid, host, age_seconds, held\n"
    "  (true/false/null), holder (alive|dead|unknown), stale, reason, acquired,\n"
    "  acquired_ms, record_valid, foreign, tag, boot_id, start_token, size_bytes, kind],\n"
    "  \"summary\": {total, held, stale, free, unknown, errors}, \"errors\": [{path,\n"
    "  message, code}]} (docs/cli-output.schema.json).\n"
    "  Unreadable directories are reported on stderr and give exit status 1; lock files\n"
    "  released or removed while the scan runs are not errors.\n\n"
    "ETCD\n"
    "  With --backend etcd://... (or the backend key), the locks under the URL's prefix\n"
    "  (NAME: that lock only), one row per holder and waiter in queue order: STATE is\n"
    "  held or waiting, NOTE the fencing token and the lease's time left.  The JSON\n"
    "  adds \"backend\", and per lock fencing_token and lease_ttl_seconds.\n";

std::string plural(size_t n, const char *one, const char *many)
{
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

// How many lock files are in each State (held, stale, free, unknown, waiting).
std::array<size_t, kStateCount> count_states(const fl_lock_list &list)
{
    std::array<size_t, kStateCount> n{};
    for (size_t i = 0; i < list.count; ++i) ++n[static_cast<size_t>(lock_state(*list.items[i]))];
    return n;
}

void print_summary(const Context &ctx, const ScanArgs &a, const fl_lock_list &list,
                   int64_t threshold_ms, const std::string &backend)
{
    const std::array<size_t, kStateCount> n = count_states(list);
    std::string s;
    if (!is_file_backend(backend)) {
        const std::string where = printable(backend) + (a.name.empty() ? "" : " " + printable(a.name));
        s = list.count == 0 ? "no locks at " + where
                            : plural(list.count, "key", "keys") + " at " + where + ": " +
                                  std::to_string(n[0]) + " held, " + std::to_string(n[4]) + " waiting";
        std::printf("%s\n", paint(ctx.colour_out, sgr::kBold, s).c_str());
        return;
    }
    if (list.count == 0) {
        s = "no lock files under " + printable(a.directory);
    } else {
        s = plural(list.count, "lock file", "lock files") + " under " + printable(a.directory) +
            ": " + std::to_string(n[0]) + " held, " + std::to_string(n[1]) + " stale, " +
            std::to_string(n[2]) + " free, " + std::to_string(n[3]) + " unknown";
    }
    s += " (stale after " + span_text(threshold_ms) + ")";
    if (list.error_count) s += "; " + plural(list.error_count, "error", "errors");
    std::printf("%s\n", paint(ctx.colour_out, sgr::kBold, s).c_str());
}

} // namespace

namespace {
int status_once(Context &ctx, const ScanArgs &a, bool watch);
} // namespace

int run_status(Context &ctx, const ScanArgs &a)
{
    if (a.watch_seconds < 0) return status_once(ctx, a, false);
    if (a.json) {
        error(ctx, "--watch and --json exclude each other");
        return kExitUsage;
    }
    if (a.watch_seconds < 0.05 || a.watch_seconds > 86400) {
        error(ctx, "--watch SEC must be 0.05 .. 86400");
        return kExitUsage;
    }
    const bool tty = isatty(STDOUT_FILENO) == 1;
    for (;;) {  // until interrupted
        if (tty) std::printf("\033[H\033[2J");
        const std::time_t now = std::time(nullptr);
        char when[32];
        std::strftime(when, sizeof when, "%H:%M:%S", std::localtime(&now));
        std::printf("%s\n", paint(ctx.colour_out, sgr::kDim,
                                  "filelock status " + printable(a.directory) + "  every " +
                                      span_text(static_cast<int64_t>(a.watch_seconds * 1000)) + "  " + when +
                                      "  (Ctrl-C to stop)")
                                .c_str());
        status_once(ctx, a, true);
        if (!tty) std::printf("\n");
        std::fflush(stdout);
        struct timespec ts;
        ts.tv_sec = static_cast<time_t>(a.watch_seconds);
        ts.tv_nsec = static_cast<long>((a.watch_seconds - static_cast<double>(ts.tv_sec)) * 1e9);
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
        }
    }
}

namespace {

int status_once(Context &ctx, const ScanArgs &a, bool watch)
{
    int64_t threshold = 0;
    if (int rc = resolve_threshold(ctx, a.max_age_hours, &threshold); rc != kExitOk) return rc;
    std::string backend;
    if (int rc = apply_backend(ctx, a.backend, &backend); rc != kExitOk) return rc;
    const bool files = is_file_backend(backend);
    if (files && !a.name.empty()) {
        error(ctx, "NAME is for --backend etcd://...; for lock files use -d DIR");
        return kExitUsage;
    }
    ScanOptionsPtr so = make_scan_options(a, threshold, false);
    if (so && !files) fl_scan_options_set_backend(so.get(), backend.c_str());
    fl_lock_list *raw = nullptr;
    const std::string &where = files ? a.directory : a.name;
    int rc = so ? fl_scan(where.c_str(), so.get(), &raw) : FL_ENOMEM;
    if (rc != FL_OK) return fail(ctx, rc);
    fl::lock_list_ptr list(raw);

    if (a.json) {
        nlohmann::ordered_json locks = nlohmann::ordered_json::array(), errors = nlohmann::ordered_json::array();
        for (size_t i = 0; i < list->count; ++i) locks.push_back(lock_json(*list->items[i]));
        for (size_t i = 0; i < list->error_count; ++i) errors.push_back(error_json(*list->errors[i]));
        const std::array<size_t, kStateCount> n = count_states(*list);
        nlohmann::ordered_json doc = json_doc(ctx.command.c_str());
        doc["directory"] = files ? a.directory : a.name;
        if (!files) doc["backend"] = backend;
        doc["threshold_hours"] = static_cast<double>(threshold) / 3600000.0;
        doc["locks"] = locks;
        doc["summary"] = {{"total", list->count}, {"held", n[0]}, {"stale", n[1]}, {"free", n[2]},
                          {"unknown", n[3]}, {"waiting", n[4]}, {"errors", list->error_count}};
        doc["errors"] = errors;
        print_json(doc);
    } else {
        // The live view adds waiters, where the OS lists them.
        std::optional<Waiters> waiters;
        std::vector<std::string> headers = {"STATE", "AGE", "PID", "HOST", "TARGET", "NOTE"};
        if (watch && files) {
            waiters.emplace();
            headers.insert(headers.begin() + 4, "WAITING");
        }
        Table t(headers);
        for (size_t i = 0; i < list->count; ++i) {
            std::vector<Cell> row = lock_row(*list->items[i], threshold, false);
            if (waiters) {
                const int n = waiters->count(list->items[i]->lock_path);
                row.insert(row.begin() + 4, Cell{!waiters->known() ? "?" : n ? std::to_string(n) : "-"});
            }
            t.add(row);
        }
        if (!t.empty()) t.print(stdout, ctx.colour_out);
        if (ctx.g.verbose > 0 && !watch)
            for (size_t i = 0; i < list->count; ++i)
                std::printf("  %s: %s\n", printable(list->items[i]->lock_path).c_str(),
                            printable(list->items[i]->reason).c_str());
        if (watch || !ctx.g.quiet) print_summary(ctx, a, *list, threshold, backend);
    }
    std::fflush(stdout);
    report_scan_errors(ctx, list->errors, list->error_count);
    return list->error_count ? kExitPartial : kExitOk;
}

} // namespace

Command add_status(CLI::App &app)
{
    auto args = std::make_shared<ScanArgs>();
    Command c;
    c.app = app.add_subcommand("status", "Show lock files under a directory and their state");
    c.app->footer(kHelp);
    CLI::App *sub = c.app;
    c.populate = [sub, args] {
        add_scan_options(sub, *args);
        add_backend_option(sub, &args->backend);
        sub->add_option("NAME", args->name, "With --backend: one lock's holder and waiters")
            ->type_name("NAME");
        sub->add_option("--watch", args->watch_seconds, "Redraw every SEC seconds (default 2) until interrupted")
            ->type_name("SEC")
            ->expected(0, 1)
            ->default_str("2");
    };
    c.run = [args](Context &ctx, const std::vector<std::string> &) { return run_status(ctx, *args); };
    return c;
}

} // namespace flcli
