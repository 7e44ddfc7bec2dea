// linux_held.cpp - which lock files are held, from /proc/locks (PROTOCOL F):
// one read answers for every file, with no lock attempt and no side effect.
#include "platform.hpp"

#include <sys/sysmacros.h>
#include <sys/vfs.h>

#include <cstdio>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "posix_detail.hpp"

namespace filelock::platform {

namespace {
uint64_t id_key(uint64_t dev, uint64_t ino)
{
    return ino * 1000003ULL ^ (dev * 0x9E3779B97F4A7C15ULL);
}
} // namespace

struct HeldIndex::Table {
    std::unordered_set<uint64_t> exact;                   // (dev, ino) keys
    mutable std::unordered_map<uint64_t, bool> answers;  // per st_dev: can the table say "not held"?
};

HeldIndex::HeldIndex(HeldIndex &&) noexcept = default;
HeldIndex &HeldIndex::operator=(HeldIndex &&) noexcept = default;
HeldIndex::~HeldIndex() = default;

HeldIndex HeldIndex::snapshot()
{
    HeldIndex idx;
    std::string text;
    if (!detail::read_text("/proc/locks", &text, SIZE_MAX)) return idx;
    idx.table_ = std::make_unique<Table>();
    size_t pos = 0;
    while (pos < text.size()) {
        size_t eol = text.find('\n', pos);
        if (eol == std::string::npos) eol = text.size();
        std::string_view line(text.data() + pos, eol - pos);
        pos = eol + 1;
        // "1: FLOCK  ADVISORY  WRITE 1234 fd:01:5678 0 EOF"; waiters carry "->".
        if (line.find("->") != std::string_view::npos) continue;
        int field = 0;
        size_t i = 0;
        std::string_view devino;
        while (i < line.size() && field <= 5) {
            while (i < line.size() && line[i] == ' ') ++i;
            size_t start = i;
            while (i < line.size() && line[i] != ' ') ++i;
            if (field == 5) devino = line.substr(start, i - start);
            ++field;
        }
        unsigned maj = 0, min = 0;
        unsigned long long ino = 0;
        std::string tok(devino);
        if (std::sscanf(tok.c_str(), "%x:%x:%llu", &maj, &min, &ino) == 3)
            idx.table_->exact.insert(id_key(static_cast<uint64_t>(makedev(maj, min)), ino));
    }
    return idx;
}

int HeldIndex::held(const Dir &dir, const std::string &name, const FileId &id) const
{
    if (!table_) return dir.probe_held(name);
    if (table_->exact.count(id_key(id.dev, id.ino))) return 1;
    // Where stat's device or inode numbers differ from the ones the kernel
    // prints in /proc/locks (overlayfs, btrfs subvolumes), the table cannot
    // answer "not held"; fall back to a probe.  One statfs per device.
    auto it = table_->answers.find(id.dev);
    if (it == table_->answers.end()) {
        struct statfs sf;
        bool answers = true;
        if (::fstatfs(detail::DirAccess::fd(dir), &sf) == 0) {
            const unsigned long fs = static_cast<unsigned long>(sf.f_type);
            answers = !(fs == 0x794c7630UL /* overlayfs */ || fs == 0x9123683eUL /* btrfs */);
        }
        it = table_->answers.emplace(id.dev, answers).first;
    }
    if (!it->second) return dir.probe_held(name);
    return 0;
}

} // namespace filelock::platform
