// probe_held.cpp - which lock files are held, where the system has no table
// of locks: every question is a probe (a non-blocking lock attempt on a
// separate read-only descriptor, released at once; PROTOCOL F).
#include "platform.hpp"

namespace filelock::platform {

struct HeldIndex::Table {};

HeldIndex::HeldIndex(HeldIndex &&) noexcept = default;
HeldIndex &HeldIndex::operator=(HeldIndex &&) noexcept = default;
HeldIndex::~HeldIndex() = default;

HeldIndex HeldIndex::snapshot()
{
    return HeldIndex();
}

int HeldIndex::held(const Dir &dir, const std::string &name, const FileId &) const
{
    return dir.probe_held(name);
}

} // namespace filelock::platform
