// batch_view.cpp - progress bar, results and summary of `filelock batch`.
#include "batch_view.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
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

Progress::Progress(const Context &ctx, size_t total)
    : on_(!ctx.g.quiet && isatty(STDERR_FILENO) == 1), start_us_(now_us()), total_(total)
{
    std::lock_guard<std::mutex> g(mu_);
    if (on_ && total_ > 0) draw_locked();  // at once, before the first file ends
}

namespace {

// "m:ss", or "h:mm:ss" from an hour on.
std::string clock_text(int64_t secs)
{
    char buf[32];
    if (secs >= 3600)
        std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", static_cast<long long>(secs / 3600),
                      static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60));
    else
        std::snprintf(buf, sizeof buf, "%lld:%02lld", static_cast<long long>(secs / 60),
                      static_cast<long long>(secs % 60));
    return buf;
}

} // namespace

void Progress::draw_locked()
{
    constexpr size_t kWidth = 30;
    const size_t fill = done_ * kWidth / total_;
    std::string bar(fill, '#');
    bar.append(kWidth - fill, '.');
    const double secs = static_cast<double>(now_us() - start_us_) / 1e6;
    std::string rate = "-", eta = "-";
    if (done_ > 0 && secs > 0) {
        const double per_s = static_cast<double>(done_) / secs;
        char buf[32];
        std::snprintf(buf, sizeof buf, per_s >= 10 ? "%.0f" : "%.1f", per_s);
        rate = buf;
        eta = clock_text(static_cast<int64_t>(static_cast<double>(total_ - done_) / per_s + 0.5));
    }
    std::fprintf(stderr, "\r\033[K[%s] %zu/%zu files  %s files/s  ETA %s  elapsed %s", bar.c_str(), done_,
                 total_, rate.c_str(), eta.c_str(), clock_text(static_cast<int64_t>(secs)).c_str());
    std::fflush(stderr);
    drawn_ = true;
}

void Progress::callback(size_t done, size_t total, void *self)
{
    auto *p = static_cast<Progress *>(self);
    if (!p->on_ || total == 0) return;
    std::lock_guard<std::mutex> g(p->mu_);
    p->done_ = done, p->total_ = total;
    p->draw_locked();
}

void Progress::line(int fd, const std::string &text)
{
    std::lock_guard<std::mutex> g(mu_);
    if (drawn_) std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
    for (size_t off = 0; off < text.size();) {
        ssize_t n = write(fd, text.data() + off, text.size() - off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        off += static_cast<size_t>(n);
    }
    if (on_ && total_ > 0) draw_locked();
}

void relay_output(Progress &p, int out_fd, int err_fd, int out_dest)
{
    struct Stream {
        int fd, dest;
        std::string pending;
    } streams[2] = {{out_fd, out_dest, {}}, {err_fd, STDERR_FILENO, {}}};
    char buf[4096];
    for (;;) {
        pollfd pf[2];
        nfds_t n = 0;
        for (Stream &s : streams)
            if (s.fd >= 0) pf[n++] = {s.fd, POLLIN, 0};
        if (n == 0) break;
        if (poll(pf, n, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        for (nfds_t i = 0; i < n; ++i) {
            if (!(pf[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            Stream &s = streams[0].fd == pf[i].fd ? streams[0] : streams[1];
            ssize_t got = read(s.fd, buf, sizeof buf);
            if (got < 0 && errno == EINTR) continue;
            if (got <= 0) {
                if (!s.pending.empty()) p.line(s.dest, s.pending + "\n");  // a last line without its newline
                close(s.fd);
                s.fd = -1;
                continue;
            }
            s.pending.append(buf, static_cast<size_t>(got));
            const size_t last = s.pending.rfind('\n');
            if (last != std::string::npos) {
                p.line(s.dest, s.pending.substr(0, last + 1));
                s.pending.erase(0, last + 1);
            }
        }
    }
}

void Progress::finish()
{
    std::lock_guard<std::mutex> g(mu_);
    if (drawn_) std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
    drawn_ = false;
    on_ = false;
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
