// cmd_info.cpp - `filelock info LOCKFILE`: everything known about one lock
// file, and why it is or is not stale.
#include <cstdio>

#include "backend.hpp"
#include "commands.hpp"
#include "filelock.hpp"
#include "lockhandle.hpp"
#include "lockview.hpp"
#include "output.hpp"

namespace flcli {

namespace {

const char *const kHelp =
    "Read one lock file and judge it.  PATH ending in .lock is the lock file itself; any\n"
    "other PATH is taken as a target and its lock file is looked up (FILE.lock, or the\n"
    "name in the configured lock_directory).  Read-only.\n\n"
    "OUTPUT\n"
    "  'field  value' lines: lock file, target, state, held, holder, pid, host, boot id,\n"
    "  start token, acquired, age, tag, size, record, stale, reason.  With --json, one\n"
    "  object: \"schema\": 1, \"command\": \"info\", the keys of a lock in 'status --json',\n"
    "  and threshold_hours.\n"
    "  No lock file: exit 66 (the target is not locked).  Not a regular file (symlink,\n"
    "  FIFO, directory): never read, reported as an error, exit 71.\n\n"
    "ETCD\n"
    "  With --backend etcd://... (or the backend key), PATH is a lock's name: its first\n"
    "  holder's fields, its fencing token and lease, then the queue (holders and\n"
    "  waiters in order).  The JSON adds \"backend\" and \"queue\".  No holder: exit 66.\n";

struct InfoArgs {
    std::string path;
    std::optional<double> max_age_hours;
    bool json = false;
    std::string backend;
};

bool ends_with(const std::string &s, const std::string &suffix)
{
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

int lock_path_of(Context &ctx, const std::string &path, std::string *out)
{
    if (ends_with(path, ".lock")) {
        *out = path;
        return FL_OK;
    }
    OptionsPtr opts;
    int rc = options_from_config(ctx, &opts);
    char *p = nullptr;
    if (rc == FL_OK) rc = fl_lock_path_for(path.c_str(), opts.get(), &p);
    if (rc == FL_OK) *out = p;
    fl_free(p);
    return rc;
}

void field(const Context &ctx, const char *name, const std::string &value, const char *colour = nullptr)
{
    std::printf("%-12s %s\n", name, paint(ctx.colour_out, colour, value).c_str());
}

std::string or_dash(const char *s)
{
    return s && *s ? printable(s) : "-";
}

void print_human(const Context &ctx, const fl_lock_info &i, int64_t threshold_ms)
{
    const State s = lock_state(i);
    field(ctx, "lock file", printable(i.lock_path));
    field(ctx, "target", or_dash(i.target_path));
    field(ctx, "state", state_name(s), state_colour(s));
    if (leased(i))
        field(ctx, "held", i.held == 1 ? "yes, this key holds the lock" : "no, this key waits in the queue");
    else
        field(ctx, "held", i.held == 1 ? "yes, the OS lock is taken now"
                           : i.held == 0 ? "no, nobody holds the OS lock"
                                         : "cannot tell");
    field(ctx, "holder", holder_name(i.holder));
    field(ctx, "pid", i.pid > 0 ? std::to_string(i.pid) : "-");
    field(ctx, "host", or_dash(i.host));
    field(ctx, "boot id", or_dash(i.boot_id));
    field(ctx, "start token", i.start_token >= 0 ? std::to_string(i.start_token) : "-");
    field(ctx, "acquired", i.acquired_ms > 0 ? iso_time(i.acquired_ms) : "-");
    field(ctx, "age", human_duration(i.age_ms));
    field(ctx, "size", std::to_string(i.size_bytes) + " bytes");
    field(ctx, "record", i.record_valid ? "valid" : "not a valid lock record");
    field(ctx, "tag", or_dash(i.tag));
    field(ctx, "stale", std::string(i.stale ? "yes" : "no") + " (threshold " + span_text(threshold_ms) + ")");
    field(ctx, "reason", printable(i.reason));
    if (leased(i)) {
        field(ctx, "token", std::to_string(i.fencing_token));
        field(ctx, "lease", i.lease_ttl_ms >= 0 ? span_text(i.lease_ttl_ms) + " left" : "-");
    }
}

// One lock of a backend with names (etcd): its queue.
int info_backend(Context &ctx, const InfoArgs &a, const std::string &backend, int64_t threshold)
{
    fl_scan_options *so = nullptr;
    int rc = fl_scan_options_new(&so);
    fl::scan_options_ptr sop(so);
    fl_lock_list *raw = nullptr;
    if (rc == FL_OK) rc = fl_scan_options_set_backend(so, backend.c_str());
    if (rc == FL_OK) rc = fl_scan(a.path.c_str(), so, &raw);
    fl::lock_list_ptr list(raw);
    if (rc != FL_OK) return fail(ctx, rc);
    if (list->count == 0) {
        error(ctx, "no lock " + printable(a.path) + " at " + printable(backend) + " (it is not locked)");
        return kExitNoInput;
    }
    const fl_lock_info &first = *list->items[0];
    if (a.json) {
        nlohmann::ordered_json j = json_doc("info");
        j.update(lock_json(first));
        j["threshold_hours"] = static_cast<double>(threshold) / 3600000.0;
        j["backend"] = backend;
        nlohmann::ordered_json q = nlohmann::ordered_json::array();
        for (size_t i = 0; i < list->count; ++i) q.push_back(lock_json(*list->items[i]));
        j["queue"] = q;
        print_json(j);
        return kExitOk;
    }
    print_human(ctx, first, threshold);
    Table t({"STATE", "AGE", "PID", "HOST", "NAME", "NOTE"});
    for (size_t i = 0; i < list->count; ++i) t.add(lock_row(*list->items[i], threshold, false));
    std::printf("%-12s\n", "queue");
    t.print(stdout, ctx.colour_out);
    return kExitOk;
}

int run_info(Context &ctx, const InfoArgs &a)
{
    int64_t threshold = 0;
    if (int rc = resolve_threshold(ctx, a.max_age_hours, &threshold); rc != kExitOk) return rc;
    std::string backend;
    if (int rc = apply_backend(ctx, a.backend, &backend); rc != kExitOk) return rc;
    if (!is_file_backend(backend)) return info_backend(ctx, a, backend, threshold);
    std::string lock_path;
    int rc = lock_path_of(ctx, a.path, &lock_path);
    fl_lock_info *raw = nullptr;
    if (rc == FL_OK) rc = fl_lock_info_read(lock_path.c_str(), threshold, &raw);
    fl::lock_info_ptr info(raw);
    if (rc == FL_ENOENT) {
        error(ctx, "no lock file " + printable(lock_path.empty() ? a.path : lock_path) +
                       " (the target is not locked)");
        return kExitNoInput;
    }
    if (rc != FL_OK) return fail(ctx, rc);
    if (a.json) {
        nlohmann::ordered_json j = json_doc("info");
        j.update(lock_json(*info));
        j["threshold_hours"] = static_cast<double>(threshold) / 3600000.0;
        print_json(j);
    } else {
        print_human(ctx, *info, threshold);
    }
    return kExitOk;
}

} // namespace

Command add_info(CLI::App &app)
{
    auto args = std::make_shared<InfoArgs>();
    Command c;
    c.app = app.add_subcommand("info", "Show everything about one lock file");
    c.app->footer(kHelp);
    CLI::App *sub = c.app;
    c.populate = [sub, args] {
        sub->add_option("PATH", args->path, "A lock file (*.lock), or a target file")->required();
        sub->add_option("--max-age-hours", args->max_age_hours,
                          "Stale threshold in hours (default: stale_threshold_hours, 1)")
            ->type_name("H");
        sub->add_flag("--json", args->json, "Print one JSON object");
        add_backend_option(sub, &args->backend);
    };
    c.run = [args](Context &ctx, const std::vector<std::string> &) { return run_info(ctx, *args); };
    return c;
}

} // namespace flcli
