// batch_view.cpp - progress bar, results and summary of `filelock batch`.
#include "batch_view.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "output.hpp"

namespace flcli {

namespace {

int64_t now_us()
{
    using namespace std::chrono;
    return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
}

bool ran(const fl_file_result &r)
{
    return r.status == FL_FILE_DONE || r.status == FL_FILE_FAILED;
}

const char *status_colour(int32_t status)
{
    switch (status) {
    case FL_FILE_DONE: return sgr::kGreen;
    case FL_FILE_SKIPPED:
    case FL_FILE_CANCELLED: return sgr::kYellow;
    default: return sgr::kRed;
    }
}

std::string detail_of(const fl_file_result &r)
{
    if (r.status == FL_FILE_FAILED) {
        std::string s = "COMMAND exited with status " + std::to_string(r.code);
        if (r.code > 128 && r.code < 160) s += " (signal " + std::to_string(r.code - 128) + ")";
        return s;
    }
    if (r.status == FL_FILE_DONE) return "";
    return printable(r.message ? r.message : "");
}

} // namespace

Progress::Progress(const Context &ctx)
    : on_(!ctx.g.quiet && isatty(STDERR_FILENO) == 1), start_us_(now_us())
{
}

void Progress::callback(size_t done, size_t total, void *self)
{
    auto *p = static_cast<Progress *>(self);
    if (!p->on_ || total == 0) return;
    constexpr size_t kWidth = 30;
    const size_t fill = done * kWidth / total;
    std::string bar(fill, '#');
    bar.append(kWidth - fill, '.');
    const int64_t secs = (now_us() - p->start_us_) / 1000000;
    std::fprintf(stderr, "\r\033[K[%s] %zu/%zu files  %lld:%02lld", bar.c_str(), done, total,
                 static_cast<long long>(secs / 60), static_cast<long long>(secs % 60));
    std::fflush(stderr);
    p->drawn_ = true;
}

void Progress::finish()
{
    if (drawn_) std::fprintf(stderr, "\r\033[K");
    drawn_ = false;
}

const char *file_status_name(int32_t status)
{
    switch (status) {
    case FL_FILE_DONE: return "done";
    case FL_FILE_FAILED: return "failed";
    case FL_FILE_LOCKED_OUT: return "locked_out";
    case FL_FILE_SKIPPED: return "skipped";
    case FL_FILE_CANCELLED: return "cancelled";
    default: return "error";
    }
}

void print_batch_human(const Context &ctx, const fl_batch_results &res)
{
    Table t({"STATUS", "FILE", "DETAIL"});
    for (size_t i = 0; i < res.count; ++i) {
        const fl_file_result &r = *res.items[i];
        if (r.status == FL_FILE_DONE && ctx.g.verbose == 0) continue;
        t.add({{file_status_name(r.status), status_colour(r.status)},
               {printable(r.path)},
               {detail_of(r), sgr::kDim}});
    }
    if (!t.empty()) t.print(stdout, ctx.colour_out);
    if (ctx.g.quiet) return;
    char wall[32];
    std::snprintf(wall, sizeof wall, "%.1fs", static_cast<double>(res.wall_us) / 1e6);
    std::string s = "batch: " + std::to_string(res.count) + (res.count == 1 ? " file in " : " files in ") +
                    wall + ": " + std::to_string(res.done) + " done, " + std::to_string(res.failed) +
                    " failed, " + std::to_string(res.locked_out) + " locked out, " +
                    std::to_string(res.skipped) + " skipped";
    if (res.cancelled) s += ", " + std::to_string(res.cancelled) + " cancelled";
    if (res.errors) s += ", " + std::to_string(res.errors) + (res.errors == 1 ? " error" : " errors");
    std::printf("%s\n", paint(ctx.colour_out, sgr::kBold, s).c_str());
}

void print_batch_json(const fl_batch_results &res, int exit_status)
{
    using json = nlohmann::ordered_json;
    json files = json::array();
    for (size_t i = 0; i < res.count; ++i) {
        const fl_file_result &r = *res.items[i];
        files.push_back({{"path", r.path},
                         {"status", file_status_name(r.status)},
                         {"exit_code", ran(r) ? json(r.code) : json(nullptr)},
                         {"error", ran(r) ? json(nullptr) : json(fl_strerror(r.code))},
                         {"message", r.message ? r.message : ""},
                         {"attempts", r.attempts},
                         {"lock_wait_seconds", static_cast<double>(r.lock_wait_us) / 1e6},
                         {"process_seconds", static_cast<double>(r.process_us) / 1e6}});
    }
    json summary = {{"total", res.count},         {"done", res.done},
                    {"failed", res.failed},       {"locked_out", res.locked_out},
                    {"skipped", res.skipped},     {"cancelled", res.cancelled},
                    {"errors", res.errors},       {"wall_seconds", static_cast<double>(res.wall_us) / 1e6},
                    {"exit_status", exit_status}};
    json doc = json_doc("batch");
    doc["files"] = files;
    doc["summary"] = summary;
    print_json(doc);
}

int batch_exit_status(const fl_batch_results &res)
{
    if (res.failed || res.errors || res.cancelled) return kExitPartial;
    if (res.locked_out) return kExitTimeout;
    return kExitOk;
}

} // namespace flcli
