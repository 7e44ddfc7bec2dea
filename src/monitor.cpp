// monitor.cpp - the directory walk behind fl_scan and the judging of what it
// finds.  The walk is iterative (no recursion depth to worry about).  It
// keeps the lock files found, the directories still to visit, the identity
// of those visited, and one directory's listing at a time: memory grows with
// lock files and directories, not with the files in them.
#include "monitor.hpp"

#include <dirent.h>  // DT_* values of platform::DirEntry::type

#include <algorithm>
#include <unordered_set>

#include "error.hpp"
#include "filelock.h"
#include "paths.hpp"
#include "platform/platform.hpp"

namespace filelock {

namespace {

bool is_lock_name(const std::string &name)
{
    static const std::string ext = ".lock";
    return name.size() >= ext.size() &&
           name.compare(name.size() - ext.size(), ext.size(), ext) == 0;
}

std::string join(const std::string &dir, const std::string &name)
{
    return dir.back() == '/' ? dir + name : dir + "/" + name;
}

// "a//b///" -> "a//b": results read "a//b/x.lock", not "a//b////x.lock".
std::string strip_trailing_slashes(std::string dir)
{
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    return dir;
}

struct FileIdHash {
    size_t operator()(const platform::FileId &id) const
    {
        return std::hash<uint64_t>()(id.ino) ^ (std::hash<uint64_t>()(id.dev) << 1);
    }
};

class Walker {
public:
    Walker(const ScanOptions &opts, std::vector<ScanError> *errors)
        : opts_(opts), max_depth_(opts.recursive ? opts.max_depth : 0), errors_(errors)
    {
    }

    // FL_OK, or the code for the start directory itself.
    int run(const std::string &start, std::vector<FoundEntry> *found)
    {
        found_ = found;
        // The caller named the start directory, so a symlink there is
        // followed; symlinks met below it never are.
        std::string listed = start;
        platform::FileStat st;
        if (int rc = platform::stat_path(start, &st); rc != FL_OK) return rc;
        if (st.symlink) {
            if (int rc = platform::real_dir(start, &listed); rc != FL_OK) return rc;
        }
        std::vector<platform::DirEntry> entries;
        platform::FileStat dir_st;
        if (int rc = platform::list_dir(listed, &entries, &dir_st); rc != FL_OK) return rc;
        root_dev_ = dir_st.id.dev;
        seen_.insert(dir_st.id);
        visit_entries(start, 0, entries);

        while (!pending_.empty()) {
            Pending next = std::move(pending_.back());
            pending_.pop_back();
            if (list(next.path, &entries)) visit_entries(next.path, next.depth, entries);
        }
        return FL_OK;
    }

private:
    struct Pending {
        std::string path;
        int depth;
    };

    void error(const std::string &path, int code, std::string message)
    {
        errors_->push_back(ScanError{path, std::move(message), code});
    }

    // List a directory found by the walk; false (error recorded, or a
    // directory to leave out) when its entries are not to be visited.
    bool list(const std::string &path, std::vector<platform::DirEntry> *entries)
    {
        platform::FileStat st;
        int rc = platform::list_dir(path, entries, &st);
        if (rc == FL_ENOENT) {
            error(path, rc, "directory " + path + " vanished during the scan");
            return false;
        }
        if (rc != FL_OK) {
            error(path, rc, last_error());
            return false;
        }
        // It was checked by lstat before; this catches a mount that appeared
        // in between.
        if (!opts_.cross_filesystems && st.id.dev != root_dev_) return false;
        if (!seen_.insert(st.id).second) {
            error(path, FL_EIO, "directory " + path +
                                    " is one already scanned under another path (a bind mount); "
                                    "not scanned twice");
            return false;
        }
        return true;
    }

    bool may_descend(int child_depth) const { return max_depth_ < 0 || child_depth <= max_depth_; }

    void visit_entries(const std::string &dir, int depth,
                       const std::vector<platform::DirEntry> &entries)
    {
        const bool descend = may_descend(depth + 1);
        for (const platform::DirEntry &e : entries) {
            const bool lock_named = is_lock_name(e.name);
            // Only a lock name or a directory we may enter is worth anything.
            const bool maybe_dir = e.type == DT_DIR || e.type == DT_UNKNOWN;
            if (!lock_named && !(descend && maybe_dir)) continue;

            std::string path = join(dir, e.name);
            // The entry's type from the directory alone will do, unless it
            // is unknown, a lock name that is not a regular file (describe
            // it), or a directory whose device must be compared.
            const bool need_stat = e.type == DT_UNKNOWN || (lock_named && e.type != DT_REG) ||
                                   (e.type == DT_DIR && !opts_.cross_filesystems);
            platform::FileStat st;
            bool regular = e.type == DT_REG, directory = e.type == DT_DIR;
            if (need_stat) {
                int rc = platform::stat_path(path, &st);
                if (rc != FL_OK) {
                    // A vanished non-lock entry held nothing worth reporting.
                    if (rc != FL_ENOENT || lock_named)
                        error(path, rc,
                              rc == FL_ENOENT ? path + " vanished during the scan" : last_error());
                    continue;
                }
                regular = st.regular;
                directory = st.directory;
            }
            if (lock_named) found_->push_back(FoundEntry{path, regular, st});
            if (!directory || !descend) continue;
            if (!opts_.cross_filesystems && st.id.dev != root_dev_) continue;
            pending_.push_back(Pending{std::move(path), depth + 1});
        }
    }

    const ScanOptions &opts_;
    const int max_depth_;
    std::vector<ScanError> *errors_;
    std::vector<FoundEntry> *found_ = nullptr;
    std::vector<Pending> pending_;
    std::unordered_set<platform::FileId, FileIdHash> seen_;
    uint64_t root_dev_ = 0;
};

// A non-regular entry named like a lock file: listed so that people see it,
// never opened, never removed.
LockInfo describe_non_regular(const std::string &path, const platform::FileStat &st,
                              int64_t now_ms)
{
    LockInfo info;
    info.lock_path = path;
    info.target_path = target_beside(path);
    info.stat = st;
    info.record.problem = "not a regular file";
    info.acquired_ms = st.mtime_ms;
    info.age_ms = now_ms > st.mtime_ms ? now_ms - st.mtime_ms : 0;
    info.held = -1;
    info.verdict.reason = "no record: a " + st.kind + " holds none";
    info.stale = false;
    info.reason = path + " is a " + st.kind + ", not a regular file: ";
    info.reason += st.directory ? "not a lock file (lock files inside it are listed on their own)"
                                : "not followed or opened, and never removed";
    return info;
}

// Judge one entry the walk found: push it to `locks` or an error.
void judge(const FoundEntry &f, const ScanOptions &opts, const platform::HeldIndex &held,
           int64_t now_ms, ScanResult *out)
{
    if (!f.regular) {
        out->locks.push_back(describe_non_regular(f.path, f.st, now_ms));
        return;
    }
    LockInfo info;
    int rc = inspect_lock(f.path, opts.threshold_ms, held, &info);
    if (rc == FL_EUNSAFE) {
        // Replaced by something else since it was listed: describe that.
        platform::FileStat st;
        rc = platform::stat_path(f.path, &st);
        if (rc == FL_OK && !st.regular) {
            out->locks.push_back(describe_non_regular(f.path, st, now_ms));
            return;
        }
        if (rc == FL_OK) rc = fail(FL_EIO, f.path + " changed type while it was read");
    }
    if (rc == FL_OK) {
        out->locks.push_back(std::move(info));
    } else if (rc == FL_ENOENT) {
        out->errors.push_back(ScanError{
            f.path, f.path + " vanished between listing and reading (released or cleaned up)", rc});
    } else {
        out->errors.push_back(ScanError{f.path, last_error(), rc});
    }
}

} // namespace

int walk_lock_entries(const std::string &dir, const ScanOptions &opts,
                      std::vector<FoundEntry> *found, std::vector<ScanError> *errors)
{
    if (dir.empty()) return fail(FL_EINVAL, "directory to scan is empty");
    Walker walker(opts, errors);
    return walker.run(strip_trailing_slashes(dir), found);
}

void judge_entries(const std::vector<FoundEntry> &found, const ScanOptions &opts,
                   ScanResult *out)
{
    const platform::HeldIndex held = platform::HeldIndex::snapshot();
    const int64_t now_ms = platform::realtime_ms();
    out->locks.reserve(out->locks.size() + found.size());
    for (const FoundEntry &f : found) judge(f, opts, held, now_ms, out);
    clear_error();

    std::sort(out->locks.begin(), out->locks.end(),
              [](const LockInfo &a, const LockInfo &b) { return a.lock_path < b.lock_path; });
    std::stable_sort(out->errors.begin(), out->errors.end(),
                     [](const ScanError &a, const ScanError &b) { return a.path < b.path; });
}

int scan_locks(const std::string &dir, const ScanOptions &opts, ScanResult *out)
{
    out->locks.clear();
    out->errors.clear();
    std::vector<FoundEntry> found;
    if (int rc = walk_lock_entries(dir, opts, &found, &out->errors); rc != FL_OK) return rc;
    judge_entries(found, opts, out);
    return FL_OK;
}

} // namespace filelock
