#include "file/file_backend.hpp"

#include "error.hpp"
#include "file/cleanup.hpp"
#include "file/file_engine.hpp"
#include "file/paths.hpp"
#include "filelock.h"
#include "log.hpp"
#include "platform/platform.hpp"

namespace filelock {

namespace {

class FileBackend final : public Backend {
public:
    const char *name() const override { return "file"; }

    int make(const std::string &target, const Options &opts,
             std::unique_ptr<LockEngine> *out) const override
    {
        LockPaths paths;
        if (int rc = lock_paths_for(target, opts, &paths); rc != FL_OK) return rc;
        *out = std::make_unique<FileEngine>(paths.lock_path, paths.target_abs, opts);
        return FL_OK;
    }

    int make_explicit(const std::string &name, const Options &opts,
                      std::unique_ptr<LockEngine> *out) const override
    {
        // An explicit lock file is the caller's: kept on release unless the
        // caller chose removal.
        Options o = opts;
        if (!o.file.remove_chosen) o.file.remove_on_release = false;
        auto engine = std::make_unique<FileEngine>(name, "", o);
        platform::FileStat st;
        int rc = FL_OK;
        if (name.empty()) {
            rc = fail(FL_EINVAL, "lock file path is empty");
        } else if (platform::is_separator(name.back())) {
            rc = fail(FL_EINVAL, "lock file path " + name + " ends in a separator");
        } else if (int s = platform::stat_path(name, &st); s == FL_OK && st.directory) {
            engine->lock_directory_itself();
        } else if (s != FL_OK && s != FL_ENOENT) {
            rc = s;
        } else {
            // The directory may be reached through symlinks: the caller chose it.
            platform::Dir dir;
            if (platform::Dir::open(parent_dir(name), &dir) != FL_OK)
                rc = fail(FL_ENOENT, "directory " + parent_dir(name) + " of lock file " + name +
                                         " does not exist");
        }
        if (rc == FL_OK) clear_error();
        if (rc != FL_OK) {
            if (!opts.defer_path_errors) return rc;
            engine->defer_error(rc, last_error());
            clear_error();
        }
        *out = std::move(engine);
        return FL_OK;
    }

    void start_of_run(const std::vector<std::string> &targets, const Options &opts,
                      int64_t stale_threshold_ms) const override
    {
        CleanReport rep;
        cleanup_for_targets(targets, opts, stale_threshold_ms, &rep);
        if (!rep.removed.empty() && log::enabled(FL_LOG_INFO))
            log::write(FL_LOG_INFO, "removed " + std::to_string(rep.removed.size()) +
                                        " stale lock file(s) before the run");
        for (const ScanError &e : rep.errors)
            log::write(FL_LOG_WARN, "stale lock cleanup skipped: " + e.message);
    }
};

} // namespace

const Backend &file_backend()
{
    static const FileBackend backend;
    return backend;
}

} // namespace filelock
