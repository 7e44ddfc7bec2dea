#include "file/dir_tree.hpp"

#include <algorithm>

#include "error.hpp"
#include "filelock.h"

namespace filelock {

int DirTree::open_root(const std::string &path)
{
    nodes_.clear();
    chain_.clear();
    platform::Dir d;
    if (int rc = platform::Dir::open(path, &d); rc != FL_OK) return rc;
    nodes_.push_back(Node{kRoot, "", path, {}, false});
    if (int rc = check(kRoot, d); rc != FL_OK) return rc;
    chain_.emplace_back(kRoot, std::move(d));
    return FL_OK;
}

size_t DirTree::add(size_t parent, const std::string &name)
{
    const std::string &base = nodes_[parent].path;
    std::string path = platform::join_path(base, name);
    nodes_.push_back(Node{parent, name, std::move(path), {}, false});
    return nodes_.size() - 1;
}

int DirTree::check(size_t node, const platform::Dir &dir)
{
    platform::FileStat st;
    if (int rc = dir.stat(&st); rc != FL_OK) return rc;
    Node &n = nodes_[node];
    if (!n.known) {
        n.id = st.id;
        n.known = true;
    } else if (n.id != st.id) {
        return fail(FL_EIO, "directory " + n.path +
                                " was replaced by another directory during the scan; skipped");
    }
    return FL_OK;
}

int DirTree::open(size_t node, const platform::Dir **out)
{
    // The node's ancestry, root first.
    std::vector<size_t> line;
    for (size_t n = node; n != kRoot; n = nodes_[n].parent) line.push_back(n);
    line.push_back(kRoot);
    std::reverse(line.begin(), line.end());
    // Keep the open prefix both paths share; open the rest below it.
    size_t keep = 0;
    while (keep < chain_.size() && keep < line.size() && chain_[keep].first == line[keep]) ++keep;
    chain_.resize(std::max<size_t>(keep, 1));
    for (size_t i = chain_.size(); i < line.size(); ++i) {
        platform::Dir d;
        int rc = chain_.back().second.open_subdir(nodes_[line[i]].name, &d);
        if (rc == FL_OK) rc = check(line[i], d);
        if (rc != FL_OK) return rc;
        chain_.emplace_back(line[i], std::move(d));
    }
    *out = &chain_.back().second;
    return FL_OK;
}

} // namespace filelock
