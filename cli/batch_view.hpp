// batch_view.hpp - what `filelock batch` shows: the progress bar while it
// runs, and the per-file results and summary when it ends.
#pragma once

#include <cstddef>
#include <cstdint>

#include "context.hpp"
#include "filelock.h"

namespace flcli {

// A one-line progress bar on stderr, redrawn after each file.  Drawn only
// when stderr is a terminal and not --quiet; otherwise every call is a no-op.
class Progress {
public:
    explicit Progress(const Context &ctx);
    static void callback(size_t done, size_t total, void *self);
    void finish();  // erase the bar

private:
    bool on_ = false;
    bool drawn_ = false;
    int64_t start_us_ = 0;
};

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
