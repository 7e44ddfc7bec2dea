// dir_tree.hpp - the directories a scan visits.  Each is reached from the
// start directory one component at a time, never following a symlink, and
// must still be the directory (device, inode) it was when the walk first
// opened it: a directory swapped for a symlink or for another directory
// during a scan is skipped, so nothing a scan reads or a cleanup removes is
// ever outside the tree it was asked about.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "platform/platform.hpp"

namespace filelock {

class DirTree {
public:
    static constexpr size_t kRoot = 0;

    // Open the start directory (symlinks in `path` are followed: the caller
    // named it).  Paths of the nodes below it start with `path`.
    int open_root(const std::string &path);

    // A directory named `name` in node `parent`; not opened yet.
    size_t add(size_t parent, const std::string &name);

    // The open directory of `node`.  Its ancestors stay open between calls
    // (the descriptors of one path from the root), so visiting nodes in walk
    // or path order opens each directory about once.  FL_EUNSAFE when a
    // component became a symlink, FL_EIO when it became another directory,
    // FL_ENOENT when it is gone.  The pointer is valid until the next call.
    int open(size_t node, const platform::Dir **out);

    const std::string &path(size_t node) const { return nodes_[node].path; }
    // The directory's identity, known once open() has succeeded for it.
    const platform::FileId &id(size_t node) const { return nodes_[node].id; }

private:
    struct Node {
        size_t parent;
        std::string name;
        std::string path;
        platform::FileId id;
        bool known = false;
    };
    int check(size_t node, const platform::Dir &dir);

    std::vector<Node> nodes_;
    std::vector<std::pair<size_t, platform::Dir>> chain_;  // root .. last opened
};

} // namespace filelock
