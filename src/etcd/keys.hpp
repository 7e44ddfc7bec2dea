// keys.hpp - where a lock lives in etcd's key space.
//
//   <prefix>/<name>/<lease id, 16 hex digits>     an exclusive holder or waiter
//   <prefix>/<name>/r/<lease id, 16 hex digits>   a shared one
//
// <name> is the target as given with '%', '/' and control bytes written as
// %XX, so that no name is a prefix of another's keys.  Exclusive keys sort
// below "<prefix>/<name>/g" and shared ones above it: a range can take the
// exclusive keys alone.
#pragma once

#include <cstdint>
#include <string>

namespace filelock::etcd {

struct LockKeys {
    std::string dir;  // "<prefix>/<name>/": every key of the lock
    std::string name;

    std::string key_for(int64_t lease, bool shared) const;
    // Range ends (etcd's range_end) for every key, and for exclusive keys only.
    std::string all_end() const;
    std::string exclusive_end() const { return dir + "g"; }
};

LockKeys keys_for(const std::string &prefix, const std::string &name);
// The name inside a key under `prefix`, and whether the key is shared.
// false for a key that is not a lock key.
bool parse_key(const std::string &prefix, const std::string &key, std::string *name, bool *shared,
               int64_t *lease);
// etcd's range_end for "every key starting with p".
std::string prefix_end(const std::string &p);

} // namespace filelock::etcd
