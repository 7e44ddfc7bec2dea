// batch_view.hpp - what `filelock batch` shows: the progress bar while it
// runs, and the per-file results and summary when it ends.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>

#include "context.hpp"
#include "filelock.h"

namespace flcli {

// A one-line progress bar on stderr, drawn when the batch starts and after
// each file: files done of total, files/s and an ETA.  Drawn only when
// stderr is a terminal and not --quiet; otherwise every call is a no-op.
// While it is on, the commands' output passes through line() so that the
// bar always stays below it.
class Progress {
public:
    Progress(const Context &ctx, size_t total);
    bool on() const { return on_; }
    static void callback(size_t done, size_t total, void *self);
    // Write one piece of a command's output to `fd` (stdout or stderr) above the bar.
    void line(int fd, const std::string &text);
    void finish();  // erase the bar

private:
    void draw_locked();

    bool on_ = false;
    bool drawn_ = false;
    int64_t start_us_ = 0;
    size_t done_ = 0, total_ = 0;
    std::mutex mu_;
};

// Run a started child's output (the read ends of its stdout and stderr
// pipes, closed here) through `p` line by line until both end.
void relay_output(Progress &p, int out_fd, int err_fd, int out_dest);

const char *file_status_name(int32_t status);

// Per-file lines for everything that did not simply succeed (all files with
// --verbose), then the summary line.
void print_batch_human(const Context &ctx, const fl_batch_results &res);

// {"files": [...], "summary": {...}} on stdout.
void print_batch_json(const fl_batch_results &res, int exit_status);

// 0 all done/skipped; 1 any failed, errored or cancelled; 75 otherwise when
// any was locked out.
int batch_exit_status(const fl_batch_results &res);

} // namespace flcli
