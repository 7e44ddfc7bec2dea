#include "file/file_backend.hpp"

#include "error.hpp"
#include "file/cleanup.hpp"
#include "file/file_engine.hpp"
#include "file/paths.hpp"
#include "file/query.hpp"
#include "file/scan.hpp"
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

    int validate(const std::string &) const override { return FL_OK; }

    void clean_for_targets(const std::vector<std::string> &targets, const Options &opts,
                           int64_t stale_threshold_ms, CleanReport *out) const override
    {
        cleanup_for_targets(targets, opts, stale_threshold_ms, out);
    }

    int is_locked(const std::string &target, const Options &opts) const override
    {
        std::string lock;
        if (int rc = lock_path_of(target, opts, &lock); rc != FL_OK) return rc;
        return filelock::is_locked(lock);
    }

    int wait_released(const std::string &target, const Options &opts,
                      int64_t timeout_ms) const override
    {
        std::string lock;
        if (int rc = lock_path_of(target, opts, &lock); rc != FL_OK) return rc;
        return filelock::wait_released(lock, timeout_ms, opts.poll_interval_ms, opts.cancel.get());
    }

    int list(const std::string &where, const ScanOptions &opts, ScanResult *out) const override
    {
        if (where.empty()) return fail(FL_EINVAL, "directory is NULL or empty");
        return scan_locks(where, opts, out);
    }

private:
    static int lock_path_of(const std::string &target, const Options &opts, std::string *out)
    {
        LockPaths p;
        if (int rc = lock_paths_for(target, opts, &p); rc != FL_OK) return rc;
        *out = p.lock_path;
        return check_target_query(target, p.lock_path);
    }
};

} // namespace

const Backend &file_backend()
{
    static const FileBackend backend;
    return backend;
}

} // namespace filelock
