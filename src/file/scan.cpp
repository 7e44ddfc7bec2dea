// scan.cpp - the directory walk behind fl_scan and the judging of what it
// finds.  The walk is iterative (no recursion depth to worry about).  It
// keeps the lock files found, the directories still to visit, the identity
// of those visited, and one directory's listing at a time: memory grows with
// lock files and directories, not with the files in them.  Every directory
// is opened through the DirTree, never by a path that could lead elsewhere.
#include "file/scan.hpp"

#include <algorithm>
#include <unordered_set>

#include "error.hpp"
#include "filelock.h"
#include "file/paths.hpp"
#include "options.hpp"
#include "platform/platform.hpp"

namespace filelock {

namespace {

using Type = platform::DirEntry::Type;

bool is_lock_name(const std::string &name)
{
    static const std::string ext = ".lock";
    return name.size() >= ext.size() &&
           name.compare(name.size() - ext.size(), ext.size(), ext) == 0;
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
    int run(const std::string &start, Walk *walk)
    {
        walk_ = walk;
        DirTree &tree = *walk->tree;
        // The caller named the start directory, so a symlink there is
        // followed; symlinks met below it never are.
        if (int rc = tree.open_root(start); rc != FL_OK) return rc;
        root_dev_ = tree.id(DirTree::kRoot).dev;
        seen_.insert(tree.id(DirTree::kRoot));
        pending_.push_back(Pending{DirTree::kRoot, 0});
        std::vector<platform::DirEntry> entries;
        while (!pending_.empty()) {
            Pending next = pending_.back();
            pending_.pop_back();
            const platform::Dir *dir = nullptr;
            if (list(next.node, &dir, &entries)) visit_entries(next.node, *dir, next.depth, entries);
        }
        return FL_OK;
    }

private:
    struct Pending {
        size_t node;
        int depth;
    };

    void error(const std::string &path, int code, std::string message)
    {
        errors_->push_back(ScanError{path, std::move(message), code});
    }

    // Open and list a directory; false (error recorded, or a directory to
    // leave out) when its entries are not to be visited.
    bool list(size_t node, const platform::Dir **dir, std::vector<platform::DirEntry> *entries)
    {
        DirTree &tree = *walk_->tree;
        const std::string &path = tree.path(node);
        int rc = tree.open(node, dir);
        if (rc == FL_OK) rc = (*dir)->list(entries);
        if (rc == FL_ENOENT) {  // removed during the scan: nothing to report
            clear_error();
            return false;
        }
        if (rc != FL_OK) {
            error(path, rc, last_error());
            return false;
        }
        if (node == DirTree::kRoot) return true;
        // Its type came from the listing; this catches a mount that
        // appeared since, and bind mounts that show a directory twice.
        const platform::FileId &id = tree.id(node);
        if (!opts_.cross_filesystems && id.dev != root_dev_) return false;
        if (!seen_.insert(id).second) {
            error(path, FL_EIO, "directory " + path +
                                    " is one already scanned under another path (a bind mount); "
                                    "not scanned twice");
            return false;
        }
        return true;
    }

    bool may_descend(int child_depth) const { return max_depth_ < 0 || child_depth <= max_depth_; }

    void visit_entries(size_t node, const platform::Dir &dir, int depth,
                       const std::vector<platform::DirEntry> &entries)
    {
        const bool descend = may_descend(depth + 1);
        for (const platform::DirEntry &e : entries) {
            const bool lock_named = is_lock_name(e.name);
            // Only a lock name or a directory we may enter is worth anything.
            const bool maybe_dir = e.type == Type::Directory || e.type == Type::Unknown;
            if (!lock_named && !(descend && maybe_dir)) continue;

            // The entry's type from the directory alone will do, unless it
            // is unknown, a lock name that is not a regular file (describe
            // it), or a directory whose device must be compared.
            const bool need_stat = e.type == Type::Unknown || (lock_named && e.type != Type::Regular) ||
                                   (e.type == Type::Directory && !opts_.cross_filesystems);
            platform::FileStat st;
            bool regular = e.type == Type::Regular, directory = e.type == Type::Directory;
            if (need_stat) {
                int rc = dir.stat_entry(e.name, &st);
                if (rc == FL_ENOENT) {  // removed since the listing: churn, not an error
                    clear_error();
                    continue;
                }
                if (rc != FL_OK) {
                    error(dir.entry_path(e.name), rc, last_error());
                    continue;
                }
                regular = st.regular;
                directory = st.directory;
            }
            if (lock_named)
                walk_->entries.push_back(FoundEntry{dir.entry_path(e.name), EntryRef{node, e.name}, regular, st});
            if (!directory || !descend) continue;
            if (!opts_.cross_filesystems && st.id.dev != root_dev_) continue;
            pending_.push_back(Pending{walk_->tree->add(node, e.name), depth + 1});
        }
    }

    const ScanOptions &opts_;
    const int max_depth_;
    std::vector<ScanError> *errors_;
    Walk *walk_ = nullptr;
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
    info.age_known = age_at(st.mtime_ms, now_ms, &info.age_ms);
    info.held = -1;
    info.verdict.reason = "no record: a " + st.kind + " holds none";
    info.stale = false;
    info.reason = path + " is a " + st.kind + ", not a regular file: ";
    info.reason += st.directory ? "not a lock file (lock files inside it are listed on their own)"
                                : "not followed or opened, and never removed";
    return info;
}

// Judge one entry the walk found: push it to `locks` or an error.
void judge(DirTree &tree, const FoundEntry &f, const ScanOptions &opts,
           const platform::HeldIndex &held, int64_t now_ms, ScanResult *out)
{
    auto add = [&](LockInfo info) {
        out->locks.push_back(std::move(info));
        out->refs.push_back(f.ref);
    };
    if (!f.regular) {
        add(describe_non_regular(f.path, f.st, now_ms));
        return;
    }
    const platform::Dir *dir = nullptr;
    LockInfo info;
    int rc = tree.open(f.ref.dir_node, &dir);
    if (rc == FL_OK) rc = inspect_entry(*dir, f.ref.name, opts.threshold_ms, held, &info);
    if (rc == FL_EUNSAFE && dir) {
        // Replaced by something else since it was listed: describe that.
        platform::FileStat st;
        rc = dir->stat_entry(f.ref.name, &st);
        if (rc == FL_OK && !st.regular) {
            add(describe_non_regular(f.path, st, now_ms));
            return;
        }
        if (rc == FL_OK) rc = fail(FL_EIO, f.path + " changed type while it was read");
    }
    if (rc == FL_OK) {
        info.lock_path = f.path;
        add(std::move(info));
    } else if (rc != FL_ENOENT) {  // vanished: released or cleaned up meanwhile
        out->errors.push_back(ScanError{f.path, last_error(), rc});
    }
}

} // namespace

int walk_lock_entries(const std::string &dir, const ScanOptions &opts, Walk *found,
                      std::vector<ScanError> *errors)
{
    if (dir.empty()) return fail(FL_EINVAL, "directory to scan is empty");
    Walker walker(opts, errors);
    return walker.run(normalise_dir(dir), found);  // "a//b///" -> "a//b"
}

void judge_entries(const Walk &found, const ScanOptions &opts, ScanResult *out)
{
    const platform::HeldIndex held = platform::HeldIndex::snapshot();
    const int64_t now_ms = platform::realtime_ms();
    out->tree = found.tree;
    out->locks.reserve(out->locks.size() + found.entries.size());
    for (const FoundEntry &f : found.entries) judge(*found.tree, f, opts, held, now_ms, out);
    clear_error();

    // Sort locks and refs together, by lock path.
    std::vector<size_t> order(out->locks.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        return out->locks[a].lock_path < out->locks[b].lock_path;
    });
    std::vector<LockInfo> sorted_locks;
    std::vector<EntryRef> sorted_refs;
    sorted_locks.reserve(order.size());
    sorted_refs.reserve(order.size());
    for (size_t i : order) {
        sorted_locks.push_back(std::move(out->locks[i]));
        sorted_refs.push_back(std::move(out->refs[i]));
    }
    out->locks = std::move(sorted_locks);
    out->refs = std::move(sorted_refs);
    std::stable_sort(out->errors.begin(), out->errors.end(),
                     [](const ScanError &a, const ScanError &b) { return a.path < b.path; });
}

int scan_locks(const std::string &dir, const ScanOptions &opts, ScanResult *out)
{
    out->locks.clear();
    out->refs.clear();
    out->errors.clear();
    Walk found;
    if (int rc = walk_lock_entries(dir, opts, &found, &out->errors); rc != FL_OK) return rc;
    judge_entries(found, opts, out);
    return FL_OK;
}

int check_max_depth(int max_depth)
{
    if (max_depth < -1) return fail(FL_EINVAL, "max_depth must be >= 0, or -1 for no limit");
    return FL_OK;
}

} // namespace filelock
