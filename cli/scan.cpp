// scan.cpp - options shared by status and clean.
#include "scan.hpp"

#include "output.hpp"

namespace flcli {

void add_scan_options(CLI::App *sub, ScanArgs &a)
{
    sub->add_option("-d,--directory", a.directory, "Directory to scan (default: .)")
        ->type_name("DIR");
    sub->add_option("--max-age-hours", a.max_age_hours,
                    "Stale threshold in hours (default: stale_threshold_hours, 1)")
        ->type_name("H");
    sub->add_option("--max-depth", a.max_depth,
                    "Directory levels below DIR to visit (0: DIR only; default: no limit)")
        ->type_name("N")
        ->check(CLI::Range(0, 1 << 20));
    sub->add_flag("--cross-filesystems", a.cross_filesystems,
                  "Also descend into other mounted file systems");
    sub->add_flag("--json", a.json, "Print JSON instead of a table");
}

ScanOptionsPtr make_scan_options(const ScanArgs &a, int64_t threshold_ms, bool dry_run)
{
    fl_scan_options *o = nullptr;
    if (fl_scan_options_new(&o) != FL_OK) return nullptr;
    ScanOptionsPtr p(o);
    fl_scan_options_set_max_depth(o, a.max_depth);
    fl_scan_options_set_cross_filesystems(o, a.cross_filesystems ? 1 : 0);
    fl_scan_options_set_stale_threshold_ms(o, threshold_ms);
    fl_scan_options_set_dry_run(o, dry_run ? 1 : 0);
    return p;
}

void report_scan_errors(const Context &ctx, fl_scan_error *const *errors, size_t count)
{
    for (size_t i = 0; i < count; ++i) error(ctx, errors[i]->message);
}

} // namespace flcli
