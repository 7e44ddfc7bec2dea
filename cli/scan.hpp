// scan.hpp - the options status and clean share, and their fl_scan_options.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "context.hpp"
#include "filelock.hpp"

namespace flcli {

struct ScanArgs {
    std::string directory = ".";
    std::optional<double> max_age_hours;
    int max_depth = -1;
    bool cross_filesystems = false;
    bool json = false;
    double watch_seconds = -1;  // status --watch [SEC]; < 0: once
    std::string backend;        // status --backend URL
    std::string name;           // status NAME: one lock of a backend with names
};

struct CleanArgs {
    ScanArgs scan;
    bool dry_run = false;
};

// --directory, --max-age-hours, --max-depth, --cross-filesystems, --json.
void add_scan_options(CLI::App *sub, ScanArgs &a);

using ScanOptionsPtr = fl::scan_options_ptr;

// fl_scan_options from the arguments (threshold already resolved).
ScanOptionsPtr make_scan_options(const ScanArgs &a, int64_t threshold_ms, bool dry_run);

// Print a scan's per-entry errors on stderr.
void report_scan_errors(const Context &ctx, fl_scan_error *const *errors, size_t count);

} // namespace flcli
