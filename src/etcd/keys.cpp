#include "etcd/keys.hpp"

#include <cstdio>

#include "record.hpp"

namespace filelock::etcd {

std::string prefix_end(const std::string &p)
{
    std::string e = p;
    while (!e.empty()) {
        if (static_cast<unsigned char>(e.back()) < 0xff) {
            e.back() = static_cast<char>(e.back() + 1);
            return e;
        }
        e.pop_back();
    }
    return std::string(1, '\0');  // every key
}

std::string LockKeys::key_for(int64_t lease, bool shared) const
{
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(lease));
    return dir + (shared ? "r/" : "") + hex;
}

std::string LockKeys::all_end() const
{
    return prefix_end(dir);
}

LockKeys keys_for(const std::string &prefix, const std::string &name)
{
    return LockKeys{prefix + "/" + percent_escape(name, "/") + "/", name};
}

bool parse_key(const std::string &prefix, const std::string &key, std::string *name, bool *shared,
               int64_t *lease)
{
    if (key.size() <= prefix.size() + 1 || key.compare(0, prefix.size(), prefix) != 0 ||
        key[prefix.size()] != '/')
        return false;
    std::string rest = key.substr(prefix.size() + 1);
    size_t slash = rest.find('/');
    if (slash == std::string::npos || slash == 0) return false;
    std::string esc = rest.substr(0, slash), tail = rest.substr(slash + 1);
    *shared = tail.rfind("r/", 0) == 0;
    if (*shared) tail.erase(0, 2);
    if (tail.size() != 16 || tail.find_first_not_of("0123456789abcdef") != std::string::npos)
        return false;
    *lease = static_cast<int64_t>(std::stoull(tail, nullptr, 16));
    *name = percent_unescape(esc);
    return true;
}

} // namespace filelock::etcd
